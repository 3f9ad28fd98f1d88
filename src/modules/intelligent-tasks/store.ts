import type { Kysely } from 'kysely';
import type { Tables } from '#src/db/tables.ts';
import type { IntelligentTaskRow } from './tables.ts';

const numeric = (r: IntelligentTaskRow): IntelligentTaskRow => ({
  ...r,
  status: Number(r.status),
  progress: Number(r.progress),
  pid: Number(r.pid),
  start_ticks: Number(r.start_ticks),
  create_time: Number(r.create_time),
  start_time: Number(r.start_time),
  end_time: Number(r.end_time),
});

export class IntelligentTaskStore {
  constructor(private readonly db: Kysely<Tables>) {}

  async insert(row: IntelligentTaskRow): Promise<void> {
    await this.db.insertInto('intelligent_tasks').values(row).execute();
  }

  async get(datasetId: string, id: string): Promise<IntelligentTaskRow | undefined> {
    const r = await this.db.selectFrom('intelligent_tasks').selectAll().where('dataset_id', '=', datasetId).where('id', '=', id).executeTakeFirst();
    return r ? numeric(r) : undefined;
  }

  async byId(id: string): Promise<IntelligentTaskRow | undefined> {
    const r = await this.db.selectFrom('intelligent_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? numeric(r) : undefined;
  }

  async list(datasetId: string, types: readonly string[], nameLike: string | undefined): Promise<IntelligentTaskRow[]> {
    let q = this.db
      .selectFrom('intelligent_tasks')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .where('task_type', 'in', [...types]);
    if (nameLike) q = q.where('name', 'like', `%${nameLike.replace(/[%_\\]/g, '\\$&')}%`);
    return (await q.orderBy('create_time', 'desc').orderBy('id').execute()).map(numeric);
  }

  async ofProject(projectId: string): Promise<IntelligentTaskRow[]> {
    return (await this.db.selectFrom('intelligent_tasks').selectAll().where('project_id', '=', projectId).execute()).map(numeric);
  }

  async update(id: string, fields: Partial<Omit<IntelligentTaskRow, 'id'>>): Promise<void> {
    await this.db.updateTable('intelligent_tasks').set(fields).where('id', '=', id).execute();
  }

  /** Sets fields only while the task is in one of `statuses`; true when it was. */
  async updateIf(id: string, statuses: readonly number[], fields: Partial<Omit<IntelligentTaskRow, 'id'>>): Promise<boolean> {
    const r = await this.db
      .updateTable('intelligent_tasks')
      .set(fields)
      .where('id', '=', id)
      .where('status', 'in', [...statuses])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
