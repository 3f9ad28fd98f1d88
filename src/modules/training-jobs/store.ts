import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from '#src/db/database.ts';
import type { Tables } from '#src/db/tables.ts';
import { likeContains } from '#src/db/like.ts';
import type { JobPhase, TrainingJobRow } from './tables.ts';

export type JobPatch = Partial<Omit<TrainingJobRow, 'id' | 'project_id'>>;

export interface JobFilter {
  key: 'name' | 'create_time' | 'phase' | 'algorithm_name' | 'kind' | 'user_id';
  operator: 'between' | 'like' | 'in' | 'not';
  values: string[];
}

export interface JobPage {
  filters: JobFilter[];
  /** Rows with the same value of this column come together, sortBy orders within each group. */
  groupBy?: 'phase' | 'algorithm_name' | 'kind' | 'user_id' | 'workspace_id';
  sortBy: 'create_time' | 'name' | 'phase' | 'update_time';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export const ACTIVE_PHASES: JobPhase[] = ['Running', 'Terminating'];
export const WAITING_PHASES: JobPhase[] = ['Creating', 'Pending'];
export const TERMINAL_PHASES: JobPhase[] = ['Completed', 'Failed', 'Terminated', 'Abnormal'];

/** SQL over the training_jobs table. */
export class TrainingJobStore {
  constructor(private readonly db: Db) {}

  async insert(row: TrainingJobRow): Promise<void> {
    await this.db.insertInto('training_jobs').values(row).execute();
  }

  get(projectId: string, id: string): Promise<TrainingJobRow | undefined> {
    return this.db.selectFrom('training_jobs').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  getById(id: string): Promise<TrainingJobRow | undefined> {
    return this.db.selectFrom('training_jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Updates the job when its phase is one of `fromPhases` (any phase when absent); false when it was not. */
  async update(id: string, patch: JobPatch, fromPhases?: JobPhase[]): Promise<boolean> {
    let q = this.db.updateTable('training_jobs').set(patch).where('id', '=', id);
    if (fromPhases) q = q.where('phase', 'in', fromPhases);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('training_jobs').where('id', '=', id).execute();
  }

  /** Jobs in the given phases, oldest first (the queue order). */
  inPhases(phases: JobPhase[]): Promise<TrainingJobRow[]> {
    return this.db.selectFrom('training_jobs').selectAll().where('phase', 'in', phases).orderBy('create_time').orderBy('id').execute();
  }

  /** The project's jobs placed in a dedicated pool, oldest first. */
  inPool(projectId: string, poolName: string): Promise<TrainingJobRow[]> {
    return this.db
      .selectFrom('training_jobs')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('pool_name', '=', poolName)
      .orderBy('create_time')
      .orderBy('id')
      .execute();
  }

  async count(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('training_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  private where(projectId: string, filters: JobFilter[]) {
    return (eb: ExpressionBuilder<Tables, 'training_jobs'>) => {
      const conds = [eb('project_id', '=', projectId)];
      for (const f of filters) {
        const col = f.key;
        switch (f.operator) {
          case 'like':
            conds.push(eb.or(f.values.map((v) => eb(sql`lower(${sql.ref(col)})`, 'like', sql`${likeContains(v)} escape '\\'`))));
            break;
          case 'in':
            conds.push(eb(col, 'in', f.values));
            break;
          case 'not':
            conds.push(eb(col, 'not in', f.values));
            break;
          case 'between': {
            const [lo, hi] = f.values;
            if (lo !== undefined && lo !== '') conds.push(eb(col, '>=', col === 'create_time' ? Number(lo) : lo));
            if (hi !== undefined && hi !== '') conds.push(eb(col, '<=', col === 'create_time' ? Number(hi) : hi));
            break;
          }
        }
      }
      return eb.and(conds);
    };
  }

  async countMatching(projectId: string, filters: JobFilter[]): Promise<number> {
    const r = await this.db
      .selectFrom('training_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(this.where(projectId, filters))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  page(projectId: string, q: JobPage): Promise<TrainingJobRow[]> {
    let query = this.db.selectFrom('training_jobs').selectAll().where(this.where(projectId, q.filters));
    if (q.groupBy) query = query.orderBy(q.groupBy, q.order);
    return query.orderBy(q.sortBy, q.order).orderBy('id', q.order).limit(q.limit).offset(q.offset).execute();
  }
}
