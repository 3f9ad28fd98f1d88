import type { Db } from '#src/db/database.ts';
import type { NetworkPhaseValue, NetworkRow } from './tables.ts';

/** SQL over the networks table. */
export class NetworkStore {
  constructor(private readonly db: Db) {}

  async insert(row: NetworkRow): Promise<void> {
    await this.db.insertInto('networks').values(row).execute();
  }

  get(projectId: string, id: string): Promise<NetworkRow | undefined> {
    return this.db.selectFrom('networks').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  /** Every network of the project, oldest first; a project holds at most its quota of them. */
  ofProject(projectId: string): Promise<NetworkRow[]> {
    return this.db.selectFrom('networks').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
  }

  async countOfProject(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('networks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  inPhase(phase: NetworkPhaseValue): Promise<NetworkRow[]> {
    return this.db.selectFrom('networks').selectAll().where('phase', '=', phase).execute();
  }

  async update(id: string, patch: Partial<Pick<NetworkRow, 'phase' | 'description'>>): Promise<void> {
    await this.db.updateTable('networks').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('networks').where('id', '=', id).execute();
  }
}
