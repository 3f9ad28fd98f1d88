// The sample list's SQL: pages in list order and their total, over the live samples or a version copy.
import { sql, type RawBuilder } from 'kysely';
import type { Database } from '#src/db/database.ts';
import { pageLiterals } from '#src/db/paging.ts';
import type { Cond } from './sample-filter.ts';
import { numericSample } from './sample-row-codec.ts';
import type { SampleRow } from './tables.ts';

export interface ListScope {
  datasetId: string;
  /** A version's frozen copy instead of the live samples. */
  versionId?: string;
}

export interface ListRequest {
  scope: ListScope;
  conds: readonly Cond[];
  /** Walk the label index of this label (live samples): pages in order without a sort. */
  viaLabel?: number;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
  /** Live list only: start at this key of the list's order (it and the rows past it, in `order`). */
  from?: ListKey;
}

/** A row's place in the live list's order (sample_time, then id). */
export interface ListKey {
  t: number;
  id: string;
}

export class ListStore {
  constructor(private readonly database: Database) {}

  /** The rows to list, the filter that scopes them and their order (ending with a unique key). */
  private from(req: Pick<ListRequest, 'scope' | 'viaLabel'>): { from: RawBuilder<unknown>; where: Cond[]; order: RawBuilder<unknown>[] } {
    const { scope } = req;
    if (scope.versionId !== undefined) {
      // seq numbers the frozen samples in list order, so it alone is the order.
      return { from: sql`version_samples s`, where: [sql`s.version_id = ${scope.versionId}`], order: [sql`s.seq`] };
    }
    if (req.viaLabel !== undefined) {
      return {
        from: sql`sample_label_index i join samples s on s.id = i.sample_id`,
        where: [sql`i.dataset_id = ${scope.datasetId}`, sql`i.label_no = ${req.viaLabel}`],
        order: [sql`i.sample_time`, sql`i.sample_id`],
      };
    }
    return { from: sql`samples s`, where: [sql`s.dataset_id = ${scope.datasetId}`], order: [sql`s.sample_time`, sql`s.id`] };
  }

  /**
   * The page's keys first (off an index, skipping `offset` entries without touching the rows), then
   * the rows of just those keys.
   */
  async page(req: ListRequest): Promise<SampleRow[]> {
    const f = this.from(req);
    const dir = req.order === 'asc' ? sql`asc` : sql`desc`;
    const page = pageLiterals(req.limit, req.offset);
    const where = sql.join([...f.where, ...req.conds], sql` and `);
    const orderBy = (cols: RawBuilder<unknown>[]) => sql.join(cols.map((c) => sql`${c} ${dir}`));
    const version = req.scope.versionId;
    let rows: RawBuilder<unknown>;
    let idColumns: RawBuilder<unknown>;
    let outer: RawBuilder<unknown>[];
    if (version !== undefined) {
      const keys = sql`select s.seq as q from ${f.from} where ${where} order by ${orderBy(f.order)} limit ${page.limit} offset ${page.offset}`;
      rows = sql`(${keys}) p join version_samples s on s.version_id = ${version} and s.seq = p.q`;
      idColumns = sql`s.sample_id as id, ${req.scope.datasetId} as dataset_id, 0 as create_time`;
      outer = [sql`p.q`];
    } else {
      const [time, id] = f.order as [RawBuilder<unknown>, RawBuilder<unknown>];
      // A row-value bound, so both SQLite and PostgreSQL seek the index to the key instead of skipping to it.
      const seek = req.from === undefined ? sql`` : sql` and (${time}, ${id}) ${req.order === 'asc' ? sql`>=` : sql`<=`} (${req.from.t}, ${req.from.id})`;
      const keys = sql`select ${time} as t, ${id} as k from ${f.from} where ${where}${seek} order by ${orderBy(f.order)} limit ${page.limit} offset ${page.offset}`;
      rows = sql`(${keys}) p join samples s on s.id = p.k`;
      idColumns = sql`s.id, s.dataset_id, s.create_time`;
      outer = [sql`p.t`, sql`p.k`];
    }
    const r = await sql<SampleRow>`select ${idColumns}, s.source, s.name, s.dir, s.size, s.sample_type, s.sample_time, s.state, s.labels,
        s.label_set, s.metadata, s.usage, s.hard, s.score, s.labeler, s.labeled_time
      from ${rows} order by ${orderBy(outer)}`.execute(this.database.db);
    return r.rows.map(numericSample);
  }

  /**
   * The key `skip` rows into a dataset's live list (ascending), counting from just past `after`
   * (from the start without it); undefined past the end.
   */
  async keyAt(datasetId: string, after: ListKey | undefined, skip: number): Promise<ListKey | undefined> {
    const past = after === undefined ? sql`` : sql` and (s.sample_time, s.id) > (${after.t}, ${after.id})`;
    const r = await sql<{ t: number | string; id: string }>`select s.sample_time as t, s.id from samples s
      where s.dataset_id = ${datasetId}${past} order by s.sample_time, s.id limit 1 offset ${pageLiterals(1, skip).offset}`.execute(this.database.db);
    const row = r.rows[0];
    return row ? { t: Number(row.t), id: row.id } : undefined;
  }

  async count(req: Pick<ListRequest, 'scope' | 'viaLabel' | 'conds'>): Promise<number> {
    const f = this.from(req);
    const r = await sql<{ n: number }>`select count(*) as n from ${f.from} where ${sql.join([...f.where, ...req.conds], sql` and `)}`.execute(this.database.db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
