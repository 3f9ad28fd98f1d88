import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget, realBucketOf, storeCredential } from '#src/modules/training-jobs/index.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { InferenceGateway } from './inference-gateway.ts';
import { ServiceFlavors } from './flavors.ts';
import { ClusterServiceUsage } from './cluster-usage.ts';
import { KubeServiceRunner } from './kube-services.ts';
import { useClusterNodes } from './kube-flavors.ts';
import type { DeployableModels } from './ports.ts';
import { servicesRoutes } from './routes/index.ts';
import { serviceWorkloads } from './pool-workloads.ts';
import type { ServiceClusterListener } from './service-cluster.ts';
import { ServiceManager } from './service-manager.ts';
import { ServiceReader } from './service-reader.ts';
import { ServiceStore } from './store.ts';

/** Which models services use: the wiring gives it to the models family, which is built first. */
export { modelUsage } from './model-usage.ts';

export type ServicesDeps = Pick<
  AppContext,
  'database' | 'objectStore' | 'buckets' | 'identity' | 'clock' | 'config' | 'localPool' | 'pools' | 'poolWorkloads' | 'sandbox' | 'replica'
> & {
  /** The models services deploy. */
  models: DeployableModels;
  log: Logger;
};

export function servicesModule(deps: ServicesDeps): FamilyModule & { flavors: ServiceFlavors } {
  const store = new ServiceStore(deps.database.db);
  const pool = deps.localPool;
  const predictTimeoutMs = deps.config.inferTimeoutSeconds * 1000;
  // The executor setting says where real-time services run: model servers on this host, or Deployments of the cluster.
  const cluster =
    deps.config.executor === 'kubernetes'
      ? (listener: ServiceClusterListener) =>
          new KubeServiceRunner(
            {
              target: kubeTarget(deps.config),
              image: deps.config.kube.image,
              credential: storeCredential(deps.config),
              realBucket: realBucketOf(deps.config),
              predictTimeoutMs,
            },
            store,
            deps.clock,
            deps.buckets,
            listener,
            deps.log,
            deps.replica,
          )
      : undefined;
  const flavors = new ServiceFlavors();
  // Services of no pool are admitted against the cluster's nodes once they are listed (register); until then, this host's size.
  const clusterPool = cluster ? LocalPool.dedicated([...deps.localPool.nodes()]) : undefined;
  const manager = new ServiceManager(
    store,
    deps.models,
    deps.pools,
    deps.clock,
    deps.config.dataDir,
    deps.objectStore,
    deps.buckets,
    deps.sandbox,
    { predictTimeoutMs },
    cluster,
    flavors,
    clusterPool,
  );
  deps.poolWorkloads.register('infer', (projectId, poolName) => serviceWorkloads(store, manager, projectId, poolName));
  const target = cluster ? kubeTarget(deps.config) : undefined;
  const podUsage = target ? new ClusterServiceUsage(target.kc, target.namespace, new ClusterMetrics(target.kc, target.namespace, deps.log)) : undefined;
  const reader = new ServiceReader(store, manager, deps.clock, deps.config.dataDir, podUsage && ((id) => podUsage.usage(id)));
  const gateway = new InferenceGateway(manager, store, deps.models, deps.identity);
  return {
    flavors,
    reconcilers: [{ name: 'services', reconcile: () => manager.reconcile() }],
    close: () => manager.close(),
    register: async (app) => {
      if (clusterPool) await useClusterNodes(flavors, clusterPool, kubeTarget(deps.config).kc, deps.log);
      await app.register(servicesRoutes, { manager, reader, pool: clusterPool ?? pool, gateway });
    },
  };
}
