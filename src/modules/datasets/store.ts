import type { Db } from '#src/db/database.ts';
import type { DatasetRow } from './tables.ts';

/** SQL over the datasets and dataset_versions tables. */
export class DatasetStore {
  constructor(readonly db: Db) {}

  async get(projectId: string, id: string): Promise<DatasetRow | undefined> {
    return this.db.selectFrom('datasets').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('datasets').set({ data_update_time: now, update_time: now }).where('id', '=', id).execute();
  }
}
