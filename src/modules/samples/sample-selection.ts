// A chosen subset of a dataset's live samples (what an export takes): by labeled state, sample state,
// sample ids and search conditions (ORed, as the export API has them), counted and read back in keyset
// pages on (sample_time, id) as the formats' SnapshotSample records, never all in memory.
import { sql } from 'kysely';
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import type { Clock } from '#src/core/time.ts';
import type { LabelRef } from './sample-model.ts';
import { allOf, combine, FilterBuilder, stateCondition, type Cond } from './sample-filter.ts';
import { checkSearchCondition, type SearchCondition } from './search-conditions.ts';
import type { SampleStateFilter } from './schemas.ts';
import type { SampleStore } from './store.ts';
import { SampleState } from './tables.ts';
import { snapshotOf, type SnapshotRow } from './snapshot-row.ts';

/** Rows per page of a selection stream. */
const PAGE = 1000;

export interface SampleSelection {
  /** true: labeled samples only (labels final); false: unlabeled only; absent: all. */
  labeled?: boolean;
  state?: SampleStateFilter;
  /** Only these samples. */
  sampleIds?: readonly string[];
  /** Any of these conditions holds (none: no condition). */
  conditions?: readonly SearchCondition[];
}

export interface SelectedSamples {
  count(): Promise<number>;
  stream(signal?: AbortSignal): AsyncIterable<SnapshotSample>;
}

interface StreamRow extends SnapshotRow {
  sample_time: number;
}

/**
 * The selection over dataset `datasetId`. The conditions are built (and checked) at once: a bad
 * condition is a 400 naming `field`, before anything runs.
 */
export async function selectSamples(store: SampleStore, clock: Clock, datasetId: string, sel: SampleSelection, field: string): Promise<SelectedSamples> {
  const refs = await store.labels(datasetId);
  const filters = new FilterBuilder(store.database.dialect, new Map(refs.map((l) => [l.name, l])), clock.now());
  const conds: Cond[] = [sql`s.dataset_id = ${datasetId}`];
  if (sel.labeled === true) conds.push(sql`s.state = ${SampleState.manual}`);
  if (sel.labeled === false) conds.push(sql`s.state = ${SampleState.none}`);
  if (sel.state !== undefined) conds.push(stateCondition(sel.state));
  if (sel.sampleIds !== undefined) conds.push(sel.sampleIds.length === 0 ? sql`1 = 0` : sql`s.id in (${sql.join(sel.sampleIds)})`);
  if (sel.conditions !== undefined && sel.conditions.length > 0) {
    const parsed = sel.conditions.map((c, i) =>
      filters.condition(checkSearchCondition(c, `${field}.search_conditions[${i}]`), `${field}.search_conditions[${i}]`),
    );
    conds.push(combine('OR', parsed));
  }
  const where = allOf(conds);
  const byNo = new Map(refs.map((l): [number, LabelRef] => [l.no, l]));
  const db = store.database.db;
  return {
    async count() {
      const r = await sql<{ n: number }>`select count(*) as n from samples s where ${where}`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async *stream(signal?: AbortSignal) {
      let after: { t: number; id: string } | undefined;
      for (;;) {
        signal?.throwIfAborted();
        // A row-value bound, so both SQLite and PostgreSQL seek the (dataset_id, sample_time, id) index.
        const past = after ? sql`and (s.sample_time, s.id) > (${after.t}, ${after.id})` : sql``;
        const r = await sql<StreamRow>`select s.id as sample_id, s.source, s.sample_type, s.usage, s.labels, s.metadata, s.labeled_time, s.sample_time
          from samples s where ${where} ${past} order by s.sample_time, s.id limit ${PAGE}`.execute(db);
        for (const row of r.rows) yield snapshotOf(row, byNo);
        if (r.rows.length < PAGE) return;
        const last = r.rows[r.rows.length - 1]!;
        after = { t: Number(last.sample_time), id: last.sample_id };
      }
    },
  };
}
