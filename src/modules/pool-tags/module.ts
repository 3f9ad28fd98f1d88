import type { AppContext, FamilyModule } from '#src/context.ts';
import { poolTagRoutes } from './routes.ts';
import { PoolTagService } from './service.ts';
import { PoolTagStore } from './store.ts';

export type PoolTagsDeps = Pick<AppContext, 'database' | 'clock' | 'pools'> & { log: { error(obj: unknown, msg: string): void } };

/** Tags of dedicated resource pools (#163-167); a deleted pool's tags go with it. */
export function poolTagsModule(deps: PoolTagsDeps): FamilyModule {
  const store = new PoolTagStore(deps.database.db);
  const service = new PoolTagService({ store, clock: deps.clock, pools: deps.pools });
  deps.pools.onRemove((name) => {
    service.poolRemoved(name).catch((err: unknown) => deps.log.error({ err, pool: name }, 'removing the tags of a deleted pool failed'));
  });
  return { register: async (app) => void (await app.register(poolTagRoutes, { service })) };
}
