import type { AppContext, FamilyModule } from '#src/context.ts';
import { hostIp } from '#src/runtime/local/host-resources.ts';
import { poolWorkloadRoutes } from './routes.ts';
import { PoolWorkloadService } from './service.ts';

export type PoolWorkloadsDeps = Pick<AppContext, 'clock' | 'pools' | 'poolWorkloads'>;

/** What runs in each dedicated pool (#157) and its counts (#158), as the families that run work report it. */
export function poolWorkloadsModule(deps: PoolWorkloadsDeps): FamilyModule {
  // Every node of a pool here is a slice of this host.
  const service = new PoolWorkloadService({ ...deps, nodeIp: () => hostIp() });
  return { register: async (app) => void (await app.register(poolWorkloadRoutes, { service })) };
}
