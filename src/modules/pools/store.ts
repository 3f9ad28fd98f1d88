import type { Db } from '#src/db/database.ts';
import type { PoolPhaseValue, PoolRow } from './tables.ts';

/** SQL over the pools table. */
export class PoolStore {
  constructor(private readonly db: Db) {}

  async insert(row: PoolRow): Promise<void> {
    await this.db.insertInto('pools').values(row).execute();
  }

  get(projectId: string, id: string): Promise<PoolRow | undefined> {
    return this.db.selectFrom('pools').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst();
  }

  byId(id: string): Promise<PoolRow | undefined> {
    return this.db.selectFrom('pools').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Every pool of the project, oldest first; a project holds at most its quota of them. */
  ofProject(projectId: string): Promise<PoolRow[]> {
    return this.db.selectFrom('pools').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
  }

  all(): Promise<PoolRow[]> {
    return this.db.selectFrom('pools').selectAll().orderBy('created_at').orderBy('id').execute();
  }

  async countOfProject(projectId: string): Promise<number> {
    const r = await this.db
      .selectFrom('pools')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** Pool IDs of the project attached to the network. */
  async onNetwork(projectId: string, networkName: string): Promise<string[]> {
    const rows = await this.db.selectFrom('pools').select('id').where('project_id', '=', projectId).where('network_name', '=', networkName).execute();
    return rows.map((r) => r.id);
  }

  inPhase(phase: PoolPhaseValue): Promise<PoolRow[]> {
    return this.db.selectFrom('pools').selectAll().where('phase', '=', phase).execute();
  }

  async update(id: string, patch: Partial<Pick<PoolRow, 'phase' | 'message' | 'description' | 'scope' | 'nodes'>>): Promise<void> {
    await this.db.updateTable('pools').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('pool_events').where('pool_id', '=', id).execute();
      await tx.deleteFrom('pools').where('id', '=', id).execute();
    });
  }
}
