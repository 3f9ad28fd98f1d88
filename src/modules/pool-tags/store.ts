import type { Db } from '#src/db/database.ts';
import type { PoolTagRow } from './tables.ts';

/** SQL over the pool_tags table. */
export class PoolTagStore {
  constructor(private readonly db: Db) {}

  /** The tags of the given pools of a project, in the order their keys were set. */
  ofPools(projectId: string, poolNames: readonly string[]): Promise<PoolTagRow[]> {
    if (poolNames.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('pool_tags')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('pool_name', 'in', [...poolNames])
      .orderBy('created_at')
      .orderBy('pool_name')
      .orderBy('position')
      .execute();
  }

  /** Sets each key (a key the pool has keeps its first-set time and takes the new value), all or none. */
  async put(projectId: string, poolName: string, tags: readonly { key: string; value: string }[], now: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('pool_tags')
        .select((eb) => eb.fn.max<number>('position').as('p'))
        .where('pool_name', '=', poolName)
        .executeTakeFirst();
      let position = Number(last?.p ?? 0);
      for (const tag of tags) {
        const updated = await trx
          .updateTable('pool_tags')
          .set({ value: tag.value })
          .where('pool_name', '=', poolName)
          .where('key', '=', tag.key)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) {
          await trx
            .insertInto('pool_tags')
            .values({ pool_name: poolName, project_id: projectId, key: tag.key, value: tag.value, position: ++position, created_at: now })
            .execute();
        }
      }
    });
  }

  /** Removes each key, or only when it has the given value; all or none. */
  async remove(poolName: string, tags: readonly { key: string; value?: string }[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const tag of tags) {
        let q = trx.deleteFrom('pool_tags').where('pool_name', '=', poolName).where('key', '=', tag.key);
        if (tag.value !== undefined) q = q.where('value', '=', tag.value);
        await q.execute();
      }
    });
  }

  async removePool(poolName: string): Promise<void> {
    await this.db.deleteFrom('pool_tags').where('pool_name', '=', poolName).execute();
  }
}
