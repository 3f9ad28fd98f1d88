import type { AppContext, FamilyModule } from '#src/context.ts';
import { InferenceGateway } from './inference-gateway.ts';
import type { DeployableModels } from './ports.ts';
import { servicesRoutes } from './routes/index.ts';
import { serviceWorkloads } from './pool-workloads.ts';
import { ServiceManager } from './service-manager.ts';
import { ServiceReader } from './service-reader.ts';
import { ServiceStore } from './store.ts';

/** Which models services use: the wiring gives it to the models family, which is built first. */
export { modelUsage } from './model-usage.ts';

export type ServicesDeps = Pick<
  AppContext,
  'database' | 'objectStore' | 'buckets' | 'identity' | 'clock' | 'config' | 'localPool' | 'pools' | 'poolWorkloads' | 'sandbox'
> & {
  /** The models services deploy. */
  models: DeployableModels;
};

export function servicesModule(deps: ServicesDeps): FamilyModule {
  const store = new ServiceStore(deps.database.db);
  const pool = deps.localPool;
  const manager = new ServiceManager(store, deps.models, deps.pools, deps.clock, deps.config.dataDir, deps.objectStore, deps.buckets, deps.sandbox, {
    predictTimeoutMs: deps.config.inferTimeoutSeconds * 1000,
  });
  deps.poolWorkloads.register('infer', (projectId, poolName) => serviceWorkloads(store, manager, projectId, poolName));
  const reader = new ServiceReader(store, manager, deps.clock, deps.config.dataDir);
  const gateway = new InferenceGateway(manager, store, deps.models, deps.identity);
  return {
    reconcilers: [{ name: 'services', reconcile: () => manager.reconcile() }],
    close: () => manager.close(),
    register: async (app) => void (await app.register(servicesRoutes, { manager, reader, pool, gateway })),
  };
}
