// SQL over the sync tasks table.
import type { Db } from '#src/db/database.ts';
import type { SyncTaskRow } from './tables.ts';

export type SyncTaskPatch = Partial<Omit<SyncTaskRow, 'id' | 'dataset_id' | 'project_id'>>;

const NUMBERS = ['add_sample_count', 'deleted_sample_count', 'total_sample_count', 'create_time', 'update_time', 'start_time', 'end_time'] as const;

/** bigint columns come back as strings from PostgreSQL. */
function numeric(r: SyncTaskRow): SyncTaskRow {
  const out = { ...r };
  for (const k of NUMBERS) if (out[k] !== null) (out as Record<string, unknown>)[k] = Number(out[k]);
  return out;
}

export class SyncTaskStore {
  constructor(private readonly db: Db) {}

  async insert(row: SyncTaskRow): Promise<void> {
    await this.db.insertInto('dataset_sync_tasks').values(row).execute();
  }

  async getById(id: string): Promise<SyncTaskRow | undefined> {
    const r = await this.db.selectFrom('dataset_sync_tasks').selectAll().where('id', '=', id).executeTakeFirst();
    return r && numeric(r);
  }

  async newest(datasetId: string): Promise<SyncTaskRow | undefined> {
    const r = await this.db
      .selectFrom('dataset_sync_tasks')
      .selectAll()
      .where('dataset_id', '=', datasetId)
      .orderBy('create_time', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && numeric(r);
  }

  async unfinished(): Promise<SyncTaskRow[]> {
    return (await this.db.selectFrom('dataset_sync_tasks').selectAll().where('status', 'in', ['QUEUING', 'RUNNING']).execute()).map(numeric);
  }

  async update(id: string, patch: SyncTaskPatch): Promise<void> {
    await this.db.updateTable('dataset_sync_tasks').set(patch).where('id', '=', id).execute();
  }
}
