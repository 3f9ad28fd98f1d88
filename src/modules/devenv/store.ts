import type { Db } from '#src/db/database.ts';
import type { DevEnvRow } from './tables.ts';

/** SQL over the devenv_instances table. */
export class DevEnvStore {
  constructor(private readonly db: Db) {}

  async insert(row: DevEnvRow): Promise<void> {
    await this.db.insertInto('devenv_instances').values(row).execute();
  }

  get(projectId: string, id: string): Promise<DevEnvRow | undefined> {
    return this.db.selectFrom('devenv_instances').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  getById(id: string): Promise<DevEnvRow | undefined> {
    return this.db.selectFrom('devenv_instances').selectAll().where('id', '=', id).executeTakeFirst();
  }

  ofProject(projectId: string): Promise<DevEnvRow[]> {
    return this.db.selectFrom('devenv_instances').selectAll().where('project_id', '=', projectId).orderBy('create_at').execute();
  }

  /** Instances whose working directory is an OBS folder. */
  withStorage(): Promise<DevEnvRow[]> {
    return this.db.selectFrom('devenv_instances').selectAll().where('storage_path', '<>', '').execute();
  }

  async update(id: string, patch: Partial<Omit<DevEnvRow, 'id' | 'project_id'>>): Promise<void> {
    await this.db.updateTable('devenv_instances').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('devenv_instances').where('id', '=', id).execute();
  }
}
