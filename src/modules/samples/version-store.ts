// Frozen copies of a dataset's samples for its versions: copied in SQL (INSERT ... SELECT), read back
// in keyset pages, dropped with the version.
import { sql } from 'kysely';
import type { Database } from '#src/db/database.ts';
import type { SnapshotSample, VersionSnapshot } from '#src/modules/datasets/samples-port.ts';
import { annotationsToLabels } from './label-view.ts';
import type { LabelRef, StoredAnnotation } from './sample-model.ts';
import { SampleState } from './tables.ts';
import type { SampleStore } from './store.ts';

const PAGE = 1000;

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
   * round(n * ratio) train.
   */
  async freeze(datasetId: string, versionId: string, trainRatio: number, now: number, keepUsage = false): Promise<VersionSnapshot> {
    return this.db.transaction().execute(async (trx) => {
      // Writes to the dataset wait (PostgreSQL) so the copy and its statistics agree.
      if (this.database.dialect === 'postgres') await sql`select dataset_id from sample_counters where dataset_id = ${datasetId} for update`.execute(trx);
      await sql`delete from version_samples where version_id = ${versionId}`.execute(trx);
      await sql`delete from version_labels where version_id = ${versionId}`.execute(trx);
      await sql`delete from sample_versions where version_id = ${versionId}`.execute(trx);
      await sql`insert into version_labels (version_id, dataset_id, label_no, name, type, property, attributes)
        select ${versionId}, dataset_id, label_no, name, type, property, attributes from dataset_labels where dataset_id = ${datasetId}`.execute(trx);
      const manual = SampleState.manual;
      // Whether a sample takes part in the split.
      const splits = keepUsage ? sql`state = ${manual} and usage is null` : sql`state = ${manual}`;
      const toSplit = await sql<{ n: number }>`select count(*) as n from samples where dataset_id = ${datasetId} and ${splits}`.execute(trx);
      const train = Math.round(Number(toSplit.rows[0]?.n ?? 0) * trainRatio);
      await sql`insert into version_samples (version_id, dataset_id, sample_id, source, name, dir, size, sample_type, sample_time, state,
          labels, label_set, metadata, usage, hard, score, labeler, labeled_time)
        select ${versionId}, dataset_id, id, source, name, dir, size, sample_type, sample_time,
          case when state = ${manual} then state else ${SampleState.none} end,
          case when state = ${manual} then labels else '[]' end,
          case when state = ${manual} then label_set else '' end,
          metadata,
          case when ${splits} then case when rn <= ${train} then 'TRAIN' else 'EVAL' end else usage end,
          hard,
          case when state = ${manual} then score else null end,
          labeler, labeled_time
        from (select s.*, row_number() over (partition by case when ${splits} then 1 else 0 end order by substr(id, 13), id) as rn
              from samples s where dataset_id = ${datasetId}) ranked`.execute(trx);
      const counts = await sql<{ total: number; annotated: number }>`select count(*) as total,
          coalesce(sum(case when state = ${manual} then 1 else 0 end), 0) as annotated
        from version_samples where version_id = ${versionId}`.execute(trx);
      const total = Number(counts.rows[0]?.total ?? 0);
      const annotated = Number(counts.rows[0]?.annotated ?? 0);
      await trx.insertInto('sample_versions').values({ version_id: versionId, dataset_id: datasetId, total, annotated, create_time: now }).execute();
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
    let after: { time: number; id: string } | undefined;
    for (;;) {
      let q = this.db
        .selectFrom('version_samples')
        .select(['sample_id', 'source', 'sample_type', 'usage', 'labels', 'metadata', 'labeled_time', 'sample_time'])
        .where('version_id', '=', versionId);
      if (after) {
        const a = after;
        q = q.where((eb) => eb.or([eb('sample_time', '>', a.time), eb.and([eb('sample_time', '=', a.time), eb('sample_id', '>', a.id)])]));
      }
      const rows = await q.orderBy('sample_time').orderBy('sample_id').limit(PAGE).execute();
      for (const r of rows) {
        yield {
          id: r.sample_id,
          source: r.source,
          sampleType: r.sample_type,
          ...(r.usage ? { usage: r.usage } : {}),
          labels: annotationsToLabels(JSON.parse(r.labels) as StoredAnnotation[], labels),
          metadata: JSON.parse(r.metadata) as Record<string, unknown>,
          labeledTime: Number(r.labeled_time),
        };
      }
      if (rows.length < PAGE) return;
      const last = rows[rows.length - 1]!;
      after = { time: Number(last.sample_time), id: last.sample_id };
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
