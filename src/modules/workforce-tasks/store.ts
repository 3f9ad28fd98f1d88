import { sql, type Kysely } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import type { WorkforceTaskRow, WorkforceTaskSampleRow, WorkforceTaskWorkerRow } from './tables.ts';

/** A task's per-state copy counts (all members, or one). */
export type StateCounts = Map<number, number>;

/** Reads and writes of the team labeling tasks' tables. */
export class WorkforceTaskStore {
  constructor(readonly db: Kysely<Tables>) {}

  /** The task, when it belongs to the project and the dataset. */
  async getTask(projectId: string, datasetId: string, taskId: string): Promise<WorkforceTaskRow | undefined> {
    return this.db
      .selectFrom('workforce_tasks')
      .selectAll()
      .where('id', '=', taskId)
      .where('project_id', '=', projectId)
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
  }

  async countTasks(datasetId: string): Promise<number> {
    const r = await this.db
      .selectFrom('workforce_tasks')
      .select((e) => e.fn.countAll<number>().as('n'))
      .where('dataset_id', '=', datasetId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async pageTasks(datasetId: string, limit: number, offset: number): Promise<WorkforceTaskRow[]> {
    return this.db
      .selectFrom('workforce_tasks')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .orderBy('create_time', 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
  }

  async taskByName(datasetId: string, name: string): Promise<WorkforceTaskRow | undefined> {
    return this.db.selectFrom('workforce_tasks').selectAll().where('dataset_id', '=', datasetId).where('name', '=', name).executeTakeFirst();
  }

  /** The task's members, oldest first. */
  async taskWorkers(taskId: string): Promise<WorkforceTaskWorkerRow[]> {
    return this.db.selectFrom('workforce_task_workers').selectAll().where('task_id', '=', taskId).orderBy('create_time').orderBy('worker_id').execute();
  }

  /** The copies of one sample in a task (one per labeler), optionally of one member. */
  async sampleCopies(taskId: string, sampleId: string, workerId?: string): Promise<WorkforceTaskSampleRow[]> {
    let q = this.db.selectFrom('workforce_task_samples').selectAll().where('task_id', '=', taskId).where('sample_id', '=', sampleId);
    if (workerId !== undefined) q = q.where('worker_id', '=', workerId);
    return q.orderBy('worker_id').execute();
  }

  /** Every copy of the named samples (a page's samples), in one query. */
  async copiesOfSamples(taskId: string, sampleIds: readonly string[]): Promise<WorkforceTaskSampleRow[]> {
    if (sampleIds.length === 0) return [];
    return this.db
      .selectFrom('workforce_task_samples')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('sample_id', 'in', [...new Set(sampleIds)])
      .orderBy('sample_id')
      .orderBy('worker_id')
      .execute();
  }

  /** Copy counts by state, over the task or one member's copies. */
  async stateCounts(taskId: string, workerId?: string): Promise<StateCounts> {
    let q = this.db
      .selectFrom('workforce_task_samples')
      .select(['state', (e) => e.fn.countAll<number>().as('n')])
      .where('task_id', '=', taskId);
    if (workerId !== undefined) q = q.where('worker_id', '=', workerId);
    const rows = await q.groupBy('state').execute();
    return new Map(rows.map((r) => [Number(r.state), Number(r.n)]));
  }

  /** Distinct samples of the task (a sample labeled by several members counts once). */
  async sampleCount(taskId: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(distinct sample_id) as n from workforce_task_samples where task_id = ${taskId}`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0);
  }
}
