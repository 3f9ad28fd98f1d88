import type { Database } from '#src/db/database.ts';
import { SampleTx, toLabelRef } from './sample-tx.ts';
import type { LabelRef } from './sample-model.ts';
import { numericSample } from './sample-row-codec.ts';
import type { DatasetMetricRow, LabelRow, SampleCounterRow, SampleMetadataCountRow, SampleRow } from './tables.ts';

export const zeroCounters = (datasetId: string): SampleCounterRow => ({
  dataset_id: datasetId,
  total: 0,
  manual: 0,
  auto: 0,
  hard: 0,
  multi_label: 0,
  deleted: 0,
  next_label_no: 1,
});

/** SQL over the samples family's tables (labels, samples, the label index, counters, version copies, metrics). */
export class SampleStore {
  constructor(readonly database: Database) {}

  get db() {
    return this.database.db;
  }

  /** Runs `fn` in one transaction on one dataset's samples; counters and metrics are applied at the end. */
  async write<T>(datasetId: string, now: number, fn: (tx: SampleTx) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const tx = new SampleTx(trx, this.database.dialect, datasetId, now);
      await tx.ensureCounters();
      const out = await fn(tx);
      await tx.finish();
      return out;
    });
  }

  async counters(datasetId: string): Promise<SampleCounterRow> {
    const r = await this.db.selectFrom('sample_counters').selectAll().where('dataset_id', '=', datasetId).executeTakeFirst();
    return r ? numeric(r) : zeroCounters(datasetId);
  }

  async labelRows(datasetId: string): Promise<LabelRow[]> {
    const rows = await this.db.selectFrom('dataset_labels').selectAll().where('dataset_id', '=', datasetId).orderBy('label_no').execute();
    return rows.map((r) => ({
      ...r,
      count_manual: Number(r.count_manual),
      samples_manual: Number(r.samples_manual),
      count_auto: Number(r.count_auto),
      samples_auto: Number(r.samples_auto),
    }));
  }

  async labels(datasetId: string): Promise<LabelRef[]> {
    return (await this.labelRows(datasetId)).map(toLabelRef);
  }

  async versionLabels(versionId: string): Promise<LabelRef[]> {
    const rows = await this.db.selectFrom('version_labels').selectAll().where('version_id', '=', versionId).orderBy('label_no').execute();
    return rows.map((r) => ({
      no: r.label_no,
      name: r.name,
      type: r.type,
      property: JSON.parse(r.property) as Record<string, unknown>,
      ...(r.attributes ? { attributes: JSON.parse(r.attributes) as Record<string, unknown>[] } : {}),
    }));
  }

  async versionTotal(versionId: string): Promise<number> {
    const r = await this.db.selectFrom('sample_versions').select('total').where('version_id', '=', versionId).executeTakeFirst();
    return Number(r?.total ?? 0);
  }

  async versionExists(datasetId: string, versionId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('sample_versions')
      .select('version_id')
      .where('version_id', '=', versionId)
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    return r !== undefined;
  }

  async sample(datasetId: string, id: string): Promise<SampleRow | undefined> {
    const r = await this.db.selectFrom('samples').selectAll().where('id', '=', id).where('dataset_id', '=', datasetId).executeTakeFirst();
    return r && numericSample(r);
  }

  async samplesByIds(datasetId: string, ids: readonly string[]): Promise<SampleRow[]> {
    const out: SampleRow[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      // By primary key alone (see SampleTx.samplesByIds); a row of another dataset is dropped here.
      const rows = await this.db
        .selectFrom('samples')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500))
        .execute();
      for (const r of rows) if (r.dataset_id === datasetId) out.push(numericSample(r));
    }
    return out;
  }

  /** Which of these sources are already samples of the dataset. */
  async existingSources(datasetId: string, sources: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (let i = 0; i < sources.length; i += 500) {
      const rows = await this.db
        .selectFrom('samples')
        .select('source')
        .where('dataset_id', '=', datasetId)
        .where('source', 'in', sources.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(r.source);
    }
    return found;
  }

  /** A page of the dataset's samples whose source starts with `prefix`, in source order after `after`. */
  async sourcesFrom(datasetId: string, prefix: string, after: string, limit: number): Promise<{ id: string; source: string }[]> {
    return this.db
      .selectFrom('samples')
      .select(['id', 'source'])
      .where('dataset_id', '=', datasetId)
      .where('source', '>=', prefix)
      .where('source', '>', after)
      .where('source', '<', `${prefix}\uffff`)
      .orderBy('source')
      .limit(limit)
      .execute();
  }

  /** Ids of samples carrying a label, after a position, in index order (for batched rewrites). */
  async sampleIdsWithLabel(
    datasetId: string,
    labelNo: number,
    after: { time: number; id: string } | undefined,
    limit: number,
  ): Promise<{ time: number; id: string }[]> {
    let q = this.db.selectFrom('sample_label_index').select(['sample_time', 'sample_id']).where('dataset_id', '=', datasetId).where('label_no', '=', labelNo);
    if (after) {
      q = q.where((eb) => eb.or([eb('sample_time', '>', after.time), eb.and([eb('sample_time', '=', after.time), eb('sample_id', '>', after.id)])]));
    }
    const rows = await q.orderBy('sample_time').orderBy('sample_id').limit(limit).execute();
    return rows.map((r) => ({ time: Number(r.sample_time), id: r.sample_id }));
  }

  async metadataCounts(datasetId: string): Promise<SampleMetadataCountRow[]> {
    const rows = await this.db.selectFrom('sample_metadata_counts').selectAll().where('dataset_id', '=', datasetId).orderBy('key').orderBy('value').execute();
    return rows.map((r) => ({ ...r, count: Number(r.count) }));
  }

  async labelers(datasetId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('samples')
      .select('labeler')
      .distinct()
      .where('dataset_id', '=', datasetId)
      .where('labeler', 'is not', null)
      .orderBy('labeler')
      .limit(1000)
      .execute();
    return rows.map((r) => r.labeler!);
  }

  async sampleTypes(datasetId: string): Promise<number[]> {
    const rows = await this.db.selectFrom('samples').select('sample_type').distinct().where('dataset_id', '=', datasetId).orderBy('sample_type').execute();
    return rows.map((r) => r.sample_type);
  }

  async metrics(datasetId: string, start: number, end: number): Promise<DatasetMetricRow[]> {
    const rows = await this.db
      .selectFrom('dataset_metrics')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .where('bucket', '>=', start)
      .where('bucket', '<=', end)
      .orderBy('bucket')
      .limit(100_000)
      .execute();
    return rows.map((r) => ({
      ...r,
      bucket: Number(r.bucket),
      total: Number(r.total),
      manual: Number(r.manual),
      auto: Number(r.auto),
      unlabeled: Number(r.unlabeled),
    }));
  }
}

function numeric(r: SampleCounterRow): SampleCounterRow {
  return {
    dataset_id: r.dataset_id,
    total: Number(r.total),
    manual: Number(r.manual),
    auto: Number(r.auto),
    hard: Number(r.hard),
    multi_label: Number(r.multi_label),
    deleted: Number(r.deleted),
    next_label_no: Number(r.next_label_no),
  };
}
