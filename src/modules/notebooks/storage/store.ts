import type { Db } from '#src/db/database.ts';
import type { NotebookStorageRow } from './tables.ts';

export type StoragePatch = Partial<Omit<NotebookStorageRow, 'id' | 'notebook_id' | 'project_id'>>;

/** SQL over the notebook_storage table. */
export class StorageStore {
  constructor(private readonly db: Db) {}

  async insert(row: NotebookStorageRow): Promise<void> {
    await this.db.insertInto('notebook_storage').values(row).execute();
  }

  get(notebookId: string, id: string): Promise<NotebookStorageRow | undefined> {
    return this.db.selectFrom('notebook_storage').selectAll().where('notebook_id', '=', notebookId).where('id', '=', id).executeTakeFirst();
  }

  getById(id: string): Promise<NotebookStorageRow | undefined> {
    return this.db.selectFrom('notebook_storage').selectAll().where('id', '=', id).executeTakeFirst();
  }

  ofNotebook(notebookId: string): Promise<NotebookStorageRow[]> {
    return this.db.selectFrom('notebook_storage').selectAll().where('notebook_id', '=', notebookId).orderBy('create_at').orderBy('id').execute();
  }

  all(): Promise<NotebookStorageRow[]> {
    return this.db.selectFrom('notebook_storage').selectAll().execute();
  }

  async update(id: string, patch: StoragePatch): Promise<void> {
    await this.db.updateTable('notebook_storage').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('notebook_storage').where('id', '=', id).execute();
  }
}
