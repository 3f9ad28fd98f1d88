// The writes of one transaction on one dataset's samples and labels. Every change goes through here
// so the label index, the counters and the metrics move with the samples, all or nothing.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { DialectName } from '#src/db/database.ts';
import type { Tables } from '#src/db/tables.ts';
import { CounterDelta, distinctLabels, labelSetOf, maxScore, summaryFromParts, summaryOf, type LabelRef, type StoredAnnotation } from './sample-model.ts';
import { bulkInsert, bulkInsertWith, type SqlValue } from './sql-bulk.ts';
import { numericSample } from './sample-row-codec.ts';
import type { LabelRow, SampleRow } from './tables.ts';

export const SAMPLE_COLUMNS = [
  'id',
  'dataset_id',
  'source',
  'name',
  'dir',
  'size',
  'sample_type',
  'sample_time',
  'state',
  'labels',
  'label_set',
  'metadata',
  'usage',
  'hard',
  'score',
  'labeler',
  'labeled_time',
  'create_time',
] as const satisfies readonly (keyof SampleRow)[];

/** Pushes a row's values in SAMPLE_COLUMNS order (spelt out: a loop over the names reads each by a dynamic key). */
export function pushSampleValues(r: SampleRow, out: SqlValue[]): void {
  out.push(
    r.id,
    r.dataset_id,
    r.source,
    r.name,
    r.dir,
    r.size,
    r.sample_type,
    r.sample_time,
    r.state,
    r.labels,
    r.label_set,
    r.metadata,
    r.usage,
    r.hard,
    r.score,
    r.labeler,
    r.labeled_time,
    r.create_time,
  );
}

export function sampleValues(r: SampleRow): SqlValue[] {
  const out: SqlValue[] = [];
  pushSampleValues(r, out);
  return out;
}

const LABEL_COLUMNS = [
  'dataset_id',
  'label_no',
  'name',
  'type',
  'property',
  'attributes',
  'count_manual',
  'samples_manual',
  'count_auto',
  'samples_auto',
  'create_time',
] as const;
const INDEX_COLUMNS = ['dataset_id', 'label_no', 'sample_time', 'sample_id'] as const;
/** Label counter changes per statement (5 bound values each). */
const COUNTER_ROWS = 2000;

/** One minute per metrics point. */
export const METRIC_BUCKET_MS = 60_000;

export const toLabelRef = (r: LabelRow): LabelRef => ({
  no: r.label_no,
  name: r.name,
  type: r.type,
  property: JSON.parse(r.property) as Record<string, unknown>,
  ...(r.attributes ? { attributes: JSON.parse(r.attributes) as Record<string, unknown>[] } : {}),
});

/** A sample row to insert, with the parsed labels and metadata its JSON columns hold. */
export interface SampleDraft {
  row: SampleRow;
  annotations: StoredAnnotation[];
  metadata: Record<string, unknown>;
}

/** The new label fields of a sample. */
export interface LabelChange {
  state: number;
  annotations: StoredAnnotation[];
  metadata: Record<string, unknown>;
  usage: string | null;
  labeler: string | null;
  labeledTime: number;
}

export class SampleTx {
  readonly delta = new CounterDelta();
  private labelCache: Map<string, LabelRef> | undefined;

  constructor(
    readonly db: Kysely<Tables>,
    readonly dialect: DialectName,
    readonly datasetId: string,
    readonly now: number,
  ) {}

  /**
   * Makes sure the dataset's counter row exists and, on PostgreSQL, locks it: writes to one dataset
   * take turns (as every write does on SQLite), so labels read at the start are still the labels
   * when new ones are numbered and inserted.
   */
  async ensureCounters(): Promise<void> {
    await this.db
      .insertInto('sample_counters')
      .values({ dataset_id: this.datasetId, total: 0, manual: 0, auto: 0, hard: 0, multi_label: 0, deleted: 0, next_label_no: 1 })
      .onConflict((oc) => oc.column('dataset_id').doNothing())
      .execute();
    if (this.dialect === 'postgres') {
      await this.db.selectFrom('sample_counters').select('dataset_id').where('dataset_id', '=', this.datasetId).forUpdate().execute();
    }
  }

  /** The dataset's labels by name (read once per transaction). */
  async labels(): Promise<Map<string, LabelRef>> {
    if (!this.labelCache) {
      const rows = await this.db.selectFrom('dataset_labels').selectAll().where('dataset_id', '=', this.datasetId).orderBy('label_no').execute();
      this.labelCache = new Map(rows.map((r) => [r.name, toLabelRef(r)]));
    }
    return this.labelCache;
  }

  /** Creates labels (names not yet taken), numbering them from the dataset's counter. */
  async createLabels(defs: readonly Omit<LabelRef, 'no'>[]): Promise<LabelRef[]> {
    if (defs.length === 0) return [];
    const known = await this.labels();
    const r = await this.db
      .updateTable('sample_counters')
      .set({ next_label_no: sql`next_label_no + ${defs.length}` })
      .where('dataset_id', '=', this.datasetId)
      .returning('next_label_no')
      .executeTakeFirstOrThrow();
    const first = Number(r.next_label_no) - defs.length;
    const created = defs.map((d, i) => ({ ...d, no: first + i }));
    // In chunks: a long list would pass the databases' bound-parameter limits in one statement.
    await bulkInsert(
      this.db,
      this.dialect,
      'dataset_labels',
      LABEL_COLUMNS,
      created.map((l) => [
        this.datasetId,
        l.no,
        l.name,
        l.type,
        JSON.stringify(l.property),
        l.attributes ? JSON.stringify(l.attributes) : null,
        0,
        0,
        0,
        0,
        this.now,
      ]),
    );
    for (const l of created) known.set(l.name, l);
    return created;
  }

  async updateLabel(no: number, fields: { name?: string; property?: Record<string, unknown>; attributes?: Record<string, unknown>[] | null }): Promise<void> {
    await this.db
      .updateTable('dataset_labels')
      .set({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.property !== undefined ? { property: JSON.stringify(fields.property) } : {}),
        ...(fields.attributes !== undefined ? { attributes: fields.attributes === null ? null : JSON.stringify(fields.attributes) } : {}),
      })
      .where('dataset_id', '=', this.datasetId)
      .where('label_no', '=', no)
      .execute();
    // The cached labels follow (re-reading them after each of many updates would read n labels n times).
    const cache = this.labelCache;
    const old = cache && [...cache.values()].find((l) => l.no === no);
    if (!cache || !old) return;
    const next: LabelRef = { no, name: fields.name ?? old.name, type: old.type, property: fields.property ?? old.property };
    const attributes = fields.attributes === undefined ? old.attributes : fields.attributes;
    if (attributes) next.attributes = attributes;
    cache.delete(old.name);
    cache.set(next.name, next);
  }

  async deleteLabels(nos: readonly number[]): Promise<void> {
    for (let i = 0; i < nos.length; i += 1000) {
      await this.db
        .deleteFrom('dataset_labels')
        .where('dataset_id', '=', this.datasetId)
        .where('label_no', 'in', nos.slice(i, i + 1000))
        .execute();
    }
    const gone = new Set(nos);
    const cache = this.labelCache;
    if (cache) for (const [name, l] of cache) if (gone.has(l.no)) cache.delete(name);
  }

  /** Samples of the dataset by id, locked for this transaction (PostgreSQL) so counters stay exact. */
  async samplesByIds(ids: readonly string[]): Promise<SampleRow[]> {
    const out: SampleRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      // By primary key alone: with `dataset_id = ?` beside the IN list SQLite walks a dataset index
      // instead (the whole dataset per chunk). A row of another dataset is dropped here.
      let q = this.db
        .selectFrom('samples')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500));
      if (this.dialect === 'postgres') q = q.forUpdate();
      for (const r of await q.execute()) if (r.dataset_id === this.datasetId) out.push(numericSample(r));
    }
    return out;
  }

  /** Samples of the dataset by source, locked as samplesByIds. */
  async samplesBySources(sources: readonly string[]): Promise<SampleRow[]> {
    const out: SampleRow[] = [];
    for (let i = 0; i < sources.length; i += 500) {
      let q = this.db
        .selectFrom('samples')
        .selectAll()
        .where('dataset_id', '=', this.datasetId)
        .where('source', 'in', sources.slice(i, i + 500));
      if (this.dialect === 'postgres') q = q.forUpdate();
      out.push(...(await q.execute()).map(numericSample));
    }
    return out;
  }

  /** Which of these sample ids are in the dataset. */
  private async existingIds(ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('samples')
        .select('id')
        .where('dataset_id', '=', this.datasetId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  /** Up to `limit` samples carrying a label (the first ones in list order), locked as above. */
  async samplesWithLabel(no: number, limit: number): Promise<SampleRow[]> {
    let q = this.db
      .selectFrom('sample_label_index as i')
      .innerJoin('samples as s', 's.id', 'i.sample_id')
      .selectAll('s')
      .where('i.dataset_id', '=', this.datasetId)
      .where('i.label_no', '=', no)
      .orderBy('i.sample_time')
      .orderBy('i.sample_id')
      .limit(limit);
    if (this.dialect === 'postgres') q = q.forUpdate();
    return (await q.execute()).map(numericSample);
  }

  /** Inserts samples; a source already in the dataset is skipped. Returns the ids inserted. */
  async insertSamples(drafts: readonly SampleDraft[]): Promise<Set<string>> {
    if (drafts.length === 0) return new Set();
    const { affected } = await bulkInsertWith(
      this.db,
      this.dialect,
      'samples',
      SAMPLE_COLUMNS,
      drafts.length,
      (i, out) => pushSampleValues(drafts[i]!.row, out),
      'on conflict (dataset_id, source) do nothing',
    );
    // The ids are new: when some source was already there, the rows found by id are the ones inserted.
    const ids = affected === drafts.length ? new Set(drafts.map((d) => d.row.id)) : await this.existingIds(drafts.map((d) => d.row.id));
    const index: SqlValue[][] = [];
    for (const { row, annotations, metadata } of drafts) {
      if (!ids.has(row.id)) continue;
      this.delta.add(summaryFromParts(row.state, annotations, metadata), 1);
      if (annotations.length > 0) for (const no of distinctLabels(annotations)) index.push([this.datasetId, no, row.sample_time, row.id]);
    }
    if (index.length > 0) await bulkInsert(this.db, this.dialect, 'sample_label_index', INDEX_COLUMNS, index);
    return ids;
  }

  /** Rewrites a sample's labels, state and metadata; the index and counters follow. */
  async changeLabels(before: SampleRow, change: LabelChange): Promise<void> {
    await this.changeLabelsMany([{ before, change }]);
  }

  /**
   * changeLabels for many samples. On SQLite the rows change in chunks: one UPDATE ... FROM (VALUES
   * ...) per chunk, and per label one DELETE of the index rows it loses; PostgreSQL
   * (whose VALUES would need a type per column) runs one fixed-text UPDATE per row. Index rows gained
   * go in multi-row inserts. The counters move exactly as one changeLabels per sample would move them.
   */
  async changeLabelsMany(changes: readonly { before: SampleRow; change: LabelChange }[]): Promise<void> {
    const added: SqlValue[][] = [];
    const removed = new Map<number, SampleRow[]>();
    const values: SqlValue[][] = [];
    for (const { before, change } of changes) {
      const beforeSummary = summaryOf(before);
      const after = summaryFromParts(change.state, change.annotations, change.metadata);
      this.delta.change(beforeSummary, after);
      values.push([
        before.id,
        change.state,
        JSON.stringify(change.annotations),
        labelSetOf(change.annotations),
        JSON.stringify(change.metadata),
        change.usage,
        after.hard ? 1 : 0,
        maxScore(change.annotations),
        change.labeler,
        change.labeledTime,
      ]);
      const was = new Set(distinctLabels(beforeSummary.annotations));
      const now = new Set(distinctLabels(change.annotations));
      for (const no of was) {
        if (now.has(no)) continue;
        const list = removed.get(no);
        if (list) list.push(before);
        else removed.set(no, [before]);
      }
      for (const no of now) if (!was.has(no)) added.push([this.datasetId, no, before.sample_time, before.id]);
    }
    if (this.dialect === 'postgres') {
      const u = Array.from({ length: 10 }, (_, i) => `$${i + 1}`);
      const text = `update samples set state = ${u[1]}, labels = ${u[2]}, label_set = ${u[3]}, metadata = ${u[4]}, usage = ${u[5]}, hard = ${u[6]},
        score = ${u[7]}, labeler = ${u[8]}, labeled_time = ${u[9]} where id = ${u[0]}`;
      for (const v of values) await this.db.executeQuery(CompiledQuery.raw(text, v));
      for (const [no, rows] of removed) {
        for (const r of rows) {
          await this.db.executeQuery(
            CompiledQuery.raw('delete from sample_label_index where dataset_id = $1 and label_no = $2 and sample_time = $3 and sample_id = $4', [
              this.datasetId,
              no,
              r.sample_time,
              r.id,
            ]),
          );
        }
      }
    } else {
      const CHUNK = 500;
      for (let i = 0; i < values.length; i += CHUNK) {
        const part = values.slice(i, i + CHUNK);
        const rows = part.map(() => '(?,?,?,?,?,?,?,?,?,?)').join(',');
        await this.db.executeQuery(
          CompiledQuery.raw(
            `update samples set state = v.column2, labels = v.column3, label_set = v.column4, metadata = v.column5, usage = v.column6,
              hard = v.column7, score = v.column8, labeler = v.column9, labeled_time = v.column10
            from (values ${rows}) as v where samples.id = v.column1`,
            part.flat(),
          ),
        );
      }
      for (const [no, all] of removed) {
        for (let i = 0; i < all.length; i += CHUNK) {
          const part = all.slice(i, i + CHUNK);
          await this.db.executeQuery(
            CompiledQuery.raw(
              `delete from sample_label_index where dataset_id = ? and label_no = ? and (sample_time, sample_id) in (values ${part.map(() => '(?,?)').join(',')})`,
              [this.datasetId, no, ...part.flatMap((r) => [r.sample_time, r.id])],
            ),
          );
        }
      }
    }
    if (added.length > 0) await bulkInsert(this.db, this.dialect, 'sample_label_index', INDEX_COLUMNS, added);
  }

  async deleteSamples(rows: readonly SampleRow[]): Promise<void> {
    if (rows.length === 0) return;
    for (const row of rows) {
      const s = summaryOf(row);
      this.delta.add(s, -1);
      this.delta.deleted++;
      const nos = distinctLabels(s.annotations);
      if (nos.length > 0) {
        await this.db
          .deleteFrom('sample_label_index')
          .where('dataset_id', '=', this.datasetId)
          .where('label_no', 'in', nos)
          .where('sample_time', '=', row.sample_time)
          .where('sample_id', '=', row.id)
          .execute();
      }
    }
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      await this.db
        .deleteFrom('samples')
        .where('dataset_id', '=', this.datasetId)
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
    }
  }

  /**
   * Adds counter changes to labels: one UPDATE ... FROM (VALUES ...) per chunk of labels, so a batch
   * that touches thousands of labels takes a few statements, not one each.
   */
  private async applyLabelCounts(
    changes: readonly [number, { countManual: number; samplesManual: number; countAuto: number; samplesAuto: number }][],
  ): Promise<void> {
    for (let start = 0; start < changes.length; start += COUNTER_ROWS) {
      const chunk = changes.slice(start, start + COUNTER_ROWS);
      const values: SqlValue[] = [];
      let n = 0;
      const p = () => (this.dialect === 'postgres' ? `$${++n}` : '?');
      const rows = chunk.map(([no, l]) => {
        values.push(no, l.countManual, l.samplesManual, l.countAuto, l.samplesAuto);
        return `(cast(${p()} as integer), cast(${p()} as bigint), cast(${p()} as bigint), cast(${p()} as bigint), cast(${p()} as bigint))`;
      });
      values.push(this.datasetId);
      const text = `update dataset_labels set count_manual = dataset_labels.count_manual + d.column2, samples_manual = dataset_labels.samples_manual + d.column3,
        count_auto = dataset_labels.count_auto + d.column4, samples_auto = dataset_labels.samples_auto + d.column5
        from (values ${rows.join(',')}) as d where dataset_labels.dataset_id = ${p()} and dataset_labels.label_no = d.column1`;
      await this.db.executeQuery(CompiledQuery.raw(text, values));
    }
  }

  /** Applies the summed counter changes and records the metrics point of this minute. */
  async finish(): Promise<void> {
    const d = this.delta;
    if (d.isEmpty) return;
    await this.db
      .updateTable('sample_counters')
      .set({
        total: sql`total + ${d.total}`,
        manual: sql`manual + ${d.manual}`,
        auto: sql`auto + ${d.auto}`,
        hard: sql`hard + ${d.hard}`,
        multi_label: sql`multi_label + ${d.multi}`,
        deleted: sql`deleted + ${d.deleted}`,
      })
      .where('dataset_id', '=', this.datasetId)
      .execute();
    await this.applyLabelCounts([...d.labels].filter(([, l]) => l.countManual !== 0 || l.samplesManual !== 0 || l.countAuto !== 0 || l.samplesAuto !== 0));
    const meta = [...d.metadata.values()].filter((m) => m.n !== 0);
    if (meta.length > 0) {
      await bulkInsert(
        this.db,
        this.dialect,
        'sample_metadata_counts',
        ['dataset_id', 'key', 'value', 'count'],
        meta.map((m) => [this.datasetId, m.key, m.value, m.n]),
        'on conflict (dataset_id, key, value) do update set count = sample_metadata_counts.count + excluded.count',
      );
      await this.db.deleteFrom('sample_metadata_counts').where('dataset_id', '=', this.datasetId).where('count', '<=', 0).execute();
    }
    const bucket = Math.floor(this.now / METRIC_BUCKET_MS) * METRIC_BUCKET_MS;
    await sql`insert into dataset_metrics (dataset_id, bucket, total, manual, auto, unlabeled)
      select dataset_id, ${bucket}, total, manual, auto, total - manual - auto from sample_counters where dataset_id = ${this.datasetId}
      on conflict (dataset_id, bucket) do update set total = excluded.total, manual = excluded.manual, auto = excluded.auto, unlabeled = excluded.unlabeled`.execute(
      this.db,
    );
  }
}
