// Frozen copies of a dataset's samples for its versions: copied in SQL (one INSERT ... SELECT), read
// back in keyset pages on (version_id, seq), dropped with the version.
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import type { Database } from '#src/db/database.ts';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import type { VersionSnapshot } from '#src/modules/datasets/index.ts';
import type { LabelRef } from './sample-model.ts';
import { snapshotOf, type SnapshotRow } from './snapshot-row.ts';
import { SampleState } from './tables.ts';
import type { SampleStore } from './store.ts';

/** Rows per page of a version stream: big pages, few statements; a page is a few MB at most. */
const PAGE = 5000;

/** The frozen row as the stream reads it. */
interface StreamRow extends SnapshotRow {
  seq: number;
}

/**
 * The order of the TRAIN/EVAL split: the random part of the sample id (sampleId: 12 hex digits of
 * time, then 20 random ones), the whole id after it so the order is total.
 */
const SHUFFLE = sql`substr(id, 13) || id`;
/** The leading random digits the cutoff search buckets by, and how many values they take. */
const PREFIX = sql`substr(id, 13, 6)`;
const PREFIX_VALUES = 16 ** 6;

const hexPrefix = (n: number): string => n.toString(16).padStart(6, '0');

/**
 * The shuffle key of the k-th of n split samples. Ranking all n keys sorts them; but the random
 * digits are uniform, so the k-th lies near the fraction k/n of their range: count the keys below a
 * window around that point (wide enough to miss it about never), then rank only the window's keys.
 * When the window misses after all, the whole ranking answers.
 */
async function shuffleCutoff(trx: Transaction<Tables>, datasetId: string, splits: RawBuilder<unknown>, n: number, k: number): Promise<string> {
  const rank = async (where: RawBuilder<unknown>, at: number): Promise<string | undefined> => {
    const r = await sql<{ k: string }>`select k from (select ${SHUFFLE} as k, row_number() over (order by ${SHUFFLE}) as rn
        from samples where dataset_id = ${datasetId} and ${splits} and ${where}) ranked where rn = ${at}`.execute(trx);
    return r.rows[0]?.k;
  };
  const p = k / n;
  const margin = 8 * Math.sqrt(n * p * (1 - p)) + 256;
  const lo = Math.max(0, Math.floor(((k - margin) / n) * PREFIX_VALUES));
  const hi = Math.ceil(((k + margin) / n) * PREFIX_VALUES);
  if (lo > 0 || hi < PREFIX_VALUES) {
    const above = lo > 0 ? sql`${PREFIX} >= ${hexPrefix(lo)}` : sql`1 = 1`;
    const window = hi < PREFIX_VALUES ? sql`${above} and ${PREFIX} < ${hexPrefix(hi)}` : above;
    const below =
      lo > 0
        ? Number(
            (
              await sql<{
                n: number;
              }>`select count(*) as n from samples where dataset_id = ${datasetId} and ${splits} and ${PREFIX} < ${hexPrefix(lo)}`.execute(trx)
            ).rows[0]?.n ?? 0,
          )
        : 0;
    const found = below < k ? await rank(window, k - below) : undefined;
    if (found !== undefined) return found;
  }
  return (await rank(sql`1 = 1`, k)) ?? '';
}

export class VersionStore {
  constructor(
    private readonly database: Database,
    private readonly samples: SampleStore,
  ) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Copies the samples (manual labels only: labels awaiting confirmation are not final) and labels.
   * Labeled samples are split TRAIN/EVAL (with keepUsage, only those without a usage of their own):
   * ordered by the random part of their ids (a fair shuffle that is the same every time), the first
   * round(n * ratio) train. The copy numbers the samples in list order (seq), so the version's list
   * and stream page on its key.
   */
  async freeze(datasetId: string, versionId: string, trainRatio: number, now: number, keepUsage = false): Promise<VersionSnapshot> {
    return this.db.transaction().execute(async (trx) => {
      // Writes to the dataset wait (PostgreSQL) so the copy and its statistics agree.
      if (this.database.dialect === 'postgres') await sql`select dataset_id from sample_counters where dataset_id = ${datasetId} for update`.execute(trx);
      // The frozen samples go with their version row (on delete cascade).
      await sql`delete from sample_versions where version_id = ${versionId}`.execute(trx);
      await sql`delete from version_labels where version_id = ${versionId}`.execute(trx);
      await trx.insertInto('sample_versions').values({ version_id: versionId, dataset_id: datasetId, total: 0, annotated: 0, create_time: now }).execute();
      await sql`insert into version_labels (version_id, dataset_id, label_no, name, type, property, attributes)
        select ${versionId}, dataset_id, label_no, name, type, property, attributes from dataset_labels where dataset_id = ${datasetId}`.execute(trx);
      const manual = SampleState.manual;
      // Whether a sample takes part in the split.
      const splits = keepUsage ? sql`state = ${manual} and usage is null` : sql`state = ${manual}`;
      const count = async (where: typeof splits) =>
        Number((await sql<{ n: number }>`select count(*) as n from samples where dataset_id = ${datasetId} and ${where}`.execute(trx)).rows[0]?.n ?? 0);
      const annotated = await count(sql`state = ${manual}`);
      const toSplit = keepUsage ? await count(splits) : annotated;
      const train = Math.round(toSplit * trainRatio);
      // A sample trains when its shuffle key is not above the train-th smallest.
      const cutoff = train > 0 ? await shuffleCutoff(trx, datasetId, splits, toSplit, train) : '';
      const copied = await sql`insert into version_samples (version_id, seq, sample_id, source, name, dir, size, sample_type, sample_time, state,
          labels, label_set, metadata, usage, hard, score, labeler, labeled_time)
        select ${versionId}, row_number() over (order by sample_time, id), id, source, name, dir, size, sample_type, sample_time,
          case when state = ${manual} then state else ${SampleState.none} end,
          case when state = ${manual} then labels else '[]' end,
          case when state = ${manual} then label_set else '' end,
          metadata,
          case when ${splits} then case when ${SHUFFLE} <= ${cutoff} then 'TRAIN' else 'EVAL' end else usage end,
          hard,
          case when state = ${manual} then score else null end,
          labeler, labeled_time
        from samples where dataset_id = ${datasetId} order by sample_time, id`.execute(trx);
      const total = Number(copied.numAffectedRows ?? 0);
      await trx.updateTable('sample_versions').set({ total, annotated }).where('version_id', '=', versionId).execute();
      const labels = await trx.selectFrom('dataset_labels').selectAll().where('dataset_id', '=', datasetId).orderBy('label_no').execute();
      const multi = await trx.selectFrom('sample_counters').select('multi_label').where('dataset_id', '=', datasetId).executeTakeFirst();
      return {
        total,
        annotated,
        labelStats: labels.map((l) => ({
          name: l.name,
          type: l.type,
          property: JSON.parse(l.property) as Record<string, unknown>,
          count: Number(l.count_manual),
          sample_count: Number(l.samples_manual),
        })),
        labelType: Number(multi?.multi_label ?? 0) > 0 ? 'multi' : 'single',
      };
    });
  }

  async *stream(versionId: string): AsyncIterable<SnapshotSample> {
    const labels = new Map((await this.samples.versionLabels(versionId)).map((l): [number, LabelRef] => [l.no, l]));
    let after = 0;
    for (;;) {
      const rows: StreamRow[] = await this.db
        .selectFrom('version_samples')
        .select(['seq', 'sample_id', 'source', 'sample_type', 'usage', 'labels', 'metadata', 'labeled_time'])
        .where('version_id', '=', versionId)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(PAGE)
        .execute();
      for (const r of rows) yield snapshotOf(r, labels);
      if (rows.length < PAGE) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  async drop(versionId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('version_samples').where('version_id', '=', versionId).execute();
      await trx.deleteFrom('version_labels').where('version_id', '=', versionId).execute();
      await trx.deleteFrom('sample_versions').where('version_id', '=', versionId).execute();
    });
  }
}
