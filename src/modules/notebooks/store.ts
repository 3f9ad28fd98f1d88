import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { likeContains } from '#src/db/like.ts';
import { pageLiterals } from '#src/db/paging.ts';
import { shortId } from '#src/core/ids.ts';
import type { NotebookEventRow, NotebookRow, NotebookStatus } from './tables.ts';

export type NotebookPatch = Partial<Omit<NotebookRow, 'id' | 'project_id'>>;

export interface NotebookQuery {
  feature?: string;
  name?: string;
  status?: string;
  owner?: string;
  workspaceId?: string;
  /** Only instances of this dedicated pool. */
  poolName?: string;
  sort: { column: 'create_at' | 'update_at' | 'name' | 'status' | 'flavor'; dir: 'asc' | 'desc' }[];
  limit: number;
  offset: number;
}

/** SQL over the notebooks and notebook_events tables. */
export class NotebookStore {
  constructor(private readonly db: Db) {}

  async insert(row: NotebookRow): Promise<void> {
    await this.db.insertInto('notebooks').values(row).execute();
  }

  get(projectId: string, id: string): Promise<NotebookRow | undefined> {
    return this.db.selectFrom('notebooks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  getById(id: string): Promise<NotebookRow | undefined> {
    return this.db.selectFrom('notebooks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Updates when the status is one of `from` (any when absent); false when it was not. */
  async update(id: string, patch: NotebookPatch, from?: readonly NotebookStatus[]): Promise<boolean> {
    let q = this.db.updateTable('notebooks').set(patch).where('id', '=', id);
    if (from) q = q.where('status', 'in', [...from]);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('notebook_events').where('notebook_id', '=', id).execute();
    await this.db.deleteFrom('notebooks').where('id', '=', id).execute();
  }

  inStatus(statuses: readonly NotebookStatus[]): Promise<NotebookRow[]> {
    return this.db
      .selectFrom('notebooks')
      .selectAll()
      .where('status', 'in', [...statuses])
      .execute();
  }

  async list(projectId: string, q: NotebookQuery): Promise<{ rows: NotebookRow[]; total: number }> {
    let base = this.db.selectFrom('notebooks').where('project_id', '=', projectId);
    if (q.feature) base = base.where('feature', '=', q.feature);
    if (q.status) base = base.where('status', '=', q.status as NotebookStatus);
    if (q.owner) base = base.where('user_id', '=', q.owner);
    if (q.workspaceId) base = base.where('workspace_id', '=', q.workspaceId);
    if (q.poolName) base = base.where('pool_name', '=', q.poolName);
    if (q.name) base = base.where(sql`lower(name)`, 'like', sql`${likeContains(q.name)} escape '\\'`);
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    let rows = base.selectAll();
    for (const s of q.sort) rows = rows.orderBy(s.column, s.dir);
    rows = rows.orderBy('id', 'asc');
    const page = pageLiterals(q.limit, q.offset);
    return { rows: await rows.limit(page.limit).offset(page.offset).execute(), total: Number(count?.n ?? 0) };
  }

  /** The project's instances placed in a dedicated pool, oldest first. */
  inPool(projectId: string, poolName: string): Promise<NotebookRow[]> {
    return this.db
      .selectFrom('notebooks')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('pool_name', '=', poolName)
      .where('status', '!=', 'DELETED')
      .orderBy('create_at')
      .orderBy('id')
      .execute();
  }

  async addEvent(notebookId: string, at: number, status: string, message: string): Promise<void> {
    const last = await this.db
      .selectFrom('notebook_events')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('notebook_id', '=', notebookId)
      .executeTakeFirst();
    const seq = Number(last?.seq ?? 0) + 1;
    await this.db.insertInto('notebook_events').values({ id: shortId(), notebook_id: notebookId, at, seq, status, message }).execute();
  }

  /** A page of an instance's events by time (ties in insertion order), and how many it has. */
  async eventPage(notebookId: string, q: { limit: number; offset: number; dir: 'asc' | 'desc' }): Promise<{ rows: NotebookEventRow[]; total: number }> {
    const base = this.db.selectFrom('notebook_events').where('notebook_id', '=', notebookId);
    const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const page = pageLiterals(q.limit, q.offset);
    const rows = await base.selectAll().orderBy('at', q.dir).orderBy('seq', q.dir).limit(page.limit).offset(page.offset).execute();
    return { rows, total: Number(count?.n ?? 0) };
  }

  events(notebookId: string): Promise<NotebookEventRow[]> {
    return this.db.selectFrom('notebook_events').selectAll().where('notebook_id', '=', notebookId).orderBy('at').orderBy('seq').execute();
  }
}
