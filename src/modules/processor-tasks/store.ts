import type { Db } from '#src/db/database.ts';
import type { ProcessorResultRow, ProcessorStatusValue, ProcessorTaskRow, ProcessorVersionRow } from './tables.ts';

/** SQL over the processing tables. */
export class ProcessorStore {
  constructor(private readonly db: Db) {}

  async insertTask(row: ProcessorTaskRow): Promise<void> {
    await this.db.insertInto('processor_tasks').values(row).execute();
  }

  task(projectId: string, id: string): Promise<ProcessorTaskRow | undefined> {
    return this.db.selectFrom('processor_tasks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  taskByName(projectId: string, name: string): Promise<ProcessorTaskRow | undefined> {
    return this.db.selectFrom('processor_tasks').selectAll().where('project_id', '=', projectId).where('name', '=', name).executeTakeFirst();
  }

  /** Every task of the project; the list filters and sorts on derived fields, and a project's tasks are few. */
  tasksOfProject(projectId: string): Promise<ProcessorTaskRow[]> {
    return this.db.selectFrom('processor_tasks').selectAll().where('project_id', '=', projectId).orderBy('create_time').orderBy('id').limit(10_000).execute();
  }

  async updateTask(id: string, patch: Partial<Pick<ProcessorTaskRow, 'description'>>): Promise<void> {
    await this.db.updateTable('processor_tasks').set(patch).where('id', '=', id).execute();
  }

  async deleteTask(id: string): Promise<void> {
    const versions = await this.versions(id);
    await this.db.transaction().execute(async (tx) => {
      for (const v of versions) await tx.deleteFrom('processor_results').where('version_id', '=', v.id).execute();
      await tx.deleteFrom('processor_task_versions').where('task_id', '=', id).execute();
      await tx.deleteFrom('processor_tasks').where('id', '=', id).execute();
    });
  }

  async insertVersion(row: ProcessorVersionRow): Promise<void> {
    await this.db.insertInto('processor_task_versions').values(row).execute();
  }

  version(taskId: string, id: string): Promise<ProcessorVersionRow | undefined> {
    return this.db.selectFrom('processor_task_versions').selectAll().where('task_id', '=', taskId).where('id', '=', id).executeTakeFirst();
  }

  versionById(id: string): Promise<ProcessorVersionRow | undefined> {
    return this.db.selectFrom('processor_task_versions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The task's versions, oldest first. */
  versions(taskId: string): Promise<ProcessorVersionRow[]> {
    return this.db.selectFrom('processor_task_versions').selectAll().where('task_id', '=', taskId).orderBy('create_time').orderBy('version_name').execute();
  }

  async updateVersion(id: string, patch: Partial<Omit<ProcessorVersionRow, 'id' | 'task_id' | 'project_id'>>): Promise<void> {
    await this.db.updateTable('processor_task_versions').set(patch).where('id', '=', id).execute();
  }

  /** Moves the version to `to` only from one of `from`; whether it moved. */
  async transition(id: string, from: readonly ProcessorStatusValue[], to: ProcessorStatusValue, patch: Partial<ProcessorVersionRow> = {}): Promise<boolean> {
    const r = await this.db
      .updateTable('processor_task_versions')
      .set({ ...patch, status: to })
      .where('id', '=', id)
      .where('status', 'in', [...from])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async deleteVersion(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('processor_results').where('version_id', '=', id).execute();
      await tx.deleteFrom('processor_task_versions').where('id', '=', id).execute();
    });
  }

  async insertResults(rows: readonly ProcessorResultRow[]): Promise<void> {
    if (rows.length > 0)
      await this.db
        .insertInto('processor_results')
        .values([...rows])
        .execute();
  }

  async clearResults(versionId: string): Promise<void> {
    await this.db.deleteFrom('processor_results').where('version_id', '=', versionId).execute();
  }

  async results(versionId: string, property: number | undefined, offset: number, limit: number): Promise<{ rows: ProcessorResultRow[]; count: number }> {
    let q = this.db.selectFrom('processor_results').where('version_id', '=', versionId);
    if (property !== undefined) q = q.where('result_property', '=', property);
    const count = await q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    const rows = await q.selectAll().orderBy('seq').offset(offset).limit(limit).execute();
    return { rows, count: Number(count?.n ?? 0) };
  }
}
