import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget, realBucketOf, storeCredential, workloadDefaults } from '#src/modules/training-jobs/index.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { InferenceGateway } from './inference-gateway.ts';
import { ServiceFlavors } from './flavors.ts';
import { ClusterServiceUsage } from './cluster-usage.ts';
import { batchModelOf, BatchPodLogs } from './batch-pod-logs.ts';
import { batchConfigOf } from './batch-runner.ts';
import { KubeBatch } from './kube-batch.ts';
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
  /** On the kubernetes executor: the ledger of the cluster's nodes every family shares (modules/index.ts). */
  clusterPool?: LocalPool;
  log: Logger;
};

/** Batch services on the Kubernetes executor: a Job per run, followed by an informer watch of the task Jobs. */
function kubeBatch(deps: ServicesDeps): KubeBatch {
  const target = kubeTarget(deps.config);
  const client = new TaskJobClient(target.kc, target.namespace);
  return new KubeBatch(
    {
      namespace: target.namespace,
      defaults: workloadDefaults(deps.config),
      atelierImage: deps.config.kube.atelierImage,
      runtimeImage: deps.config.kube.image,
      realBucket: realBucketOf(deps.config),
      credential: storeCredential(deps.config),
      client,
      watch: (onStatus) => new TrainingJobWatch(target.kc, target.namespace, (e) => onStatus(e.jobId, e.status), { kind: 'task' }),
      podLogs: new BatchPodLogs(deps.database.db, (pod, container, lines, limit) => client.podLogTail(pod, container, lines, limit)),
      scheduleWaitMs: deps.config.kube.scheduleTimeoutSeconds * 1000,
    },
    deps.objectStore,
    deps.log,
  );
}

/** Real-time and batch services; on the kubernetes executor, those of no pool hold their shares of `deps.clusterPool`. */
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
              defaults: workloadDefaults(deps.config),
            },
            store,
            deps.clock,
            deps.buckets,
            listener,
            deps.log,
            deps.replica,
          )
      : undefined;
  const batchJobs = cluster ? kubeBatch(deps) : undefined;
  const flavors = new ServiceFlavors();
  // Services of no pool are admitted against the cluster's nodes once they are listed (register); until then, this host's size.
  const clusterPool = cluster ? (deps.clusterPool ?? LocalPool.dedicated([...deps.localPool.nodes()])) : undefined;
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
    batchJobs,
  );
  deps.poolWorkloads.register('infer', (projectId, poolName) => serviceWorkloads(store, manager, projectId, poolName));
  const target = cluster ? kubeTarget(deps.config) : undefined;
  const podUsage = target ? new ClusterServiceUsage(target.kc, target.namespace, new ClusterMetrics(target.kc, target.namespace, deps.log)) : undefined;
  const reader = new ServiceReader(
    store,
    manager,
    deps.clock,
    deps.config.dataDir,
    podUsage && ((id) => podUsage.usage(id)),
    batchJobs && ((id, model, q) => batchJobs.instanceLogs(id, model, q)),
  );
  const gateway = new InferenceGateway(manager, store, deps.models, deps.identity);
  return {
    flavors,
    reconcilers: [
      { name: 'services', reconcile: () => manager.reconcile() },
      ...(batchJobs ? [{ name: 'batch-service-jobs', reconcile: () => removeBatchOrphans(batchJobs, store, deps.log) }] : []),
    ],
    close: async () => {
      await manager.close();
      await batchJobs?.close();
    },
    register: async (app) => {
      if (clusterPool) await useClusterNodes(flavors, clusterPool, kubeTarget(deps.config).kc, deps.log);
      await app.register(servicesRoutes, { manager, reader, pool: clusterPool ?? pool, gateway });
    },
  };
}

/**
 * The Job of a batch run no longer under way (its service deleted, stopped or ended while no server followed it) goes;
 * its pods' logs are copied first when the service remains.
 */
async function removeBatchOrphans(kube: KubeBatch, store: ServiceStore, log: Logger): Promise<void> {
  const isActive = async (id: string) => {
    const row = await store.byId(id);
    return row !== undefined && row.infer_type === 'batch' && row.desired === 'running' && (row.status === 'running' || row.status === 'deploying');
  };
  const modelOf = async (id: string) => {
    const config = batchConfigOf(await store.byId(id));
    return config && batchModelOf(config);
  };
  const removed = await kube.removeOrphans(isActive, 'batch', modelOf);
  if (removed.length > 0) log.info({ services: removed }, 'removed the Kubernetes Jobs of batch runs no longer under way');
}
