import type { AppContext, FamilyModule } from '#src/context.ts';
import { NetworkActivator } from './reconciler.ts';
import { networkRoutes } from './routes.ts';
import { NetworkService, type NetworkUsage } from './service.ts';
import { NetworkStore } from './store.ts';

export type NetworksDeps = Pick<AppContext, 'config' | 'database' | 'clock' | 'quotaUsage'> & { usage?: NetworkUsage };

/** Network records (#143-147); the project's count is the "network" quota usage ShowOsQuota reports. */
export function networksModule(deps: NetworksDeps): FamilyModule & { networks: NetworkService } {
  const store = new NetworkStore(deps.database.db);
  const service = new NetworkService({
    store,
    clock: deps.clock,
    offeredCidrs: deps.config.networkCidrs,
    quota: deps.config.quotas.network,
    ...(deps.usage ? { usage: deps.usage } : {}),
  });
  deps.quotaUsage.register('network', (projectId) => service.countOfProject(projectId));
  return {
    networks: service,
    reconcilers: [new NetworkActivator(store)],
    register: async (app) => void (await app.register(networkRoutes, { service })),
  };
}
