import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import { likeContains } from '#src/db/like.ts';
import type { AlgorithmRow } from './tables.ts';

export interface AlgorithmPage {
  nameLike?: string;
  workspaceId?: string;
  /** Rows with the same value of this column come together, sortBy orders within each group. */
  groupBy?: 'workspace_id' | 'ai_project' | 'user_name';
  sortBy: 'create_time' | 'update_time' | 'name';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** SQL over the algorithms table. */
export class AlgorithmStore {
  constructor(private readonly db: Db) {}

  async insert(row: AlgorithmRow): Promise<void> {
    await this.db.insertInto('algorithms').values(row).execute();
  }

  get(projectId: string, id: string): Promise<AlgorithmRow | undefined> {
    return this.db.selectFrom('algorithms').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  async update(projectId: string, id: string, values: Omit<AlgorithmRow, 'id' | 'project_id' | 'create_time' | 'user_name' | 'domain_id'>): Promise<void> {
    await this.db.updateTable('algorithms').set(values).where('project_id', '=', projectId).where('id', '=', id).execute();
  }

  async delete(projectId: string, id: string): Promise<number> {
    const r = await this.db.deleteFrom('algorithms').where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async count(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('algorithms')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  private filtered(projectId: string, q: Pick<AlgorithmPage, 'nameLike' | 'workspaceId'>) {
    let query = this.db.selectFrom('algorithms').where('project_id', '=', projectId);
    if (q.nameLike !== undefined) query = query.where(sql`lower(name)`, 'like', sql`${likeContains(q.nameLike)} escape '\\'`);
    if (q.workspaceId !== undefined) query = query.where('workspace_id', '=', q.workspaceId);
    return query;
  }

  async countMatching(projectId: string, q: AlgorithmPage): Promise<number> {
    const r = await this.filtered(projectId, q)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  page(projectId: string, q: AlgorithmPage): Promise<AlgorithmRow[]> {
    let query = this.filtered(projectId, q).selectAll();
    if (q.groupBy) query = query.orderBy(q.groupBy, q.order);
    return query.orderBy(q.sortBy, q.order).orderBy('id', q.order).limit(q.limit).offset(q.offset).execute();
  }
}
