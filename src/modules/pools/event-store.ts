import type { Db } from '#src/db/database.ts';
import type { PoolEventRow } from './tables.ts';

export interface EventFilter {
  since?: number;
  until?: number;
  type?: 'Normal' | 'Warning';
}

/** SQL over the pool_events table. */
export class PoolEventStore {
  constructor(private readonly db: Db) {}

  latest(poolId: string): Promise<PoolEventRow | undefined> {
    return this.db
      .selectFrom('pool_events')
      .selectAll()
      .where('pool_id', '=', poolId)
      .orderBy('first_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insert(row: PoolEventRow): Promise<void> {
    await this.db.insertInto('pool_events').values(row).execute();
  }

  async repeat(id: string, at: number, count: number): Promise<void> {
    await this.db.updateTable('pool_events').set({ last_at: at, count }).where('id', '=', id).execute();
  }

  get(poolId: string, id: string): Promise<PoolEventRow | undefined> {
    return this.db.selectFrom('pool_events').selectAll().where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
  }

  /** The pool's events matching `filter`, oldest first, from `start` on, at most `limit` (+1 to tell whether more follow). */
  page(poolId: string, filter: EventFilter, start: PoolEventRow | undefined, limit: number): Promise<PoolEventRow[]> {
    return this.filtered(poolId, filter, start)
      .selectAll()
      .orderBy('first_at')
      .orderBy('id')
      .limit(limit + 1)
      .execute();
  }

  async count(poolId: string, filter: EventFilter, start: PoolEventRow | undefined): Promise<number> {
    const r = await this.filtered(poolId, filter, start)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Drops events last seen before `before`, and each pool's oldest beyond `cap`. */
  async prune(before: number, cap: number): Promise<void> {
    await this.db.deleteFrom('pool_events').where('last_at', '<', before).execute();
    const crowded = await this.db
      .selectFrom('pool_events')
      .select(['pool_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('pool_id')
      .having((eb) => eb.fn.countAll(), '>', cap)
      .execute();
    for (const { pool_id: poolId, n } of crowded) {
      const oldest = await this.db
        .selectFrom('pool_events')
        .select('id')
        .where('pool_id', '=', poolId)
        .orderBy('first_at')
        .orderBy('id')
        .limit(Number(n) - cap)
        .execute();
      await this.db
        .deleteFrom('pool_events')
        .where(
          'id',
          'in',
          oldest.map((r) => r.id),
        )
        .execute();
    }
  }

  private filtered(poolId: string, filter: EventFilter, start: PoolEventRow | undefined) {
    let q = this.db.selectFrom('pool_events').where('pool_id', '=', poolId);
    if (filter.since !== undefined) q = q.where('last_at', '>=', filter.since);
    if (filter.until !== undefined) q = q.where('first_at', '<=', filter.until);
    if (filter.type !== undefined) q = q.where('type', '=', filter.type);
    if (start) {
      const s = start;
      q = q.where((eb) => eb.or([eb('first_at', '>', s.first_at), eb.and([eb('first_at', '=', s.first_at), eb('id', '>=', s.id)])]));
    }
    return q;
  }
}
