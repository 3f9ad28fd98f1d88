import { loadMasterKey } from '#src/auth/secret-box.ts';
import type { AppContext, FamilyModule } from '#src/context.ts';
import type { ImageCatalogue } from '#src/modules/algorithms/index.ts';
import { ClusterMetrics } from '#src/runtime/kubernetes/cluster-metrics.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { DatasetManifestSource } from './dataset-inputs.ts';
import { detectEngines, parseEngineSpecs, type TrainingEngine } from './engines.ts';
import { JobBuilder, type AlgorithmSource } from './job-builder.ts';
import { TrainingJobReconciler } from './job-reconciler.ts';
import type { JobExecutor } from './job-executor.ts';
import { DbJobLogs } from './db-job-logs.ts';
import { FileJobLogs } from './file-job-logs.ts';
import { JobLayout } from './job-layout.ts';
import type { JobLogs } from './job-logs.ts';
import { JobRunner } from './job-runner.ts';
import { kubeExecutorParts, kubeTarget, useClusterFlavors } from './kube-executor.ts';
import { KubeJobRunner } from './kube-job-runner.ts';
import { trainingWorkloads } from './pool-workloads.ts';
import { LogUrlSigner } from './log-url.ts';
import { jobRoutes } from './routes/job-routes.ts';
import { logRoutes } from './routes/log-routes.ts';
import { resourceRoutes } from './routes/resource-routes.ts';
import { JobScheduler } from './scheduler.ts';
import type { TrainingJobs } from './service.ts';
import { TrainingJobService } from './service.ts';
import { TrainingJobStore } from './store.ts';
import { createTrainingRuntime } from './training-runtime.ts';

export type TrainingJobsDeps = Pick<
  AppContext,
  'config' | 'database' | 'objectStore' | 'clock' | 'buckets' | 'localPool' | 'pools' | 'poolWorkloads' | 'sandbox' | 'replica'
> & {
  /** The engines found on this host (trainingEngines), the same list algorithms check against. */
  engines: TrainingEngine[];
  algorithms: AlgorithmSource;
  datasets: DatasetManifestSource;
  /** The DevEnviron images a job may start from (engine.image_url). */
  images: ImageCatalogue;
  /** On the kubernetes executor: the ledger of the cluster's nodes every family shares (modules/index.ts). */
  clusterPool?: LocalPool;
  /** On the kubernetes executor: how the replicas' ledgers are brought in line before a scheduling pass. */
  poolLedger?: { refresh(): Promise<void> };
  log: Logger;
};

/** The preset engines of this installation: the runtimes found on the host and the configured ones that start. */
export function trainingEngines(deps: Pick<AppContext, 'config' | 'sandbox'>): TrainingEngine[] {
  return detectEngines(parseEngineSpecs(deps.config.trainingEngines), deps.sandbox.runAsUid);
}

/** Training jobs, and the flavors and engines they run on; `jobs` is what other families read jobs through. */
export function trainingJobsModule(deps: TrainingJobsDeps): FamilyModule & { jobs: TrainingJobs } {
  const runtime = createTrainingRuntime(deps.config.dataDir, {
    engines: deps.engines,
    capacity: deps.localPool.capacity,
    sandbox: deps.sandbox,
    images: deps.images,
    kind: deps.config.executor,
  });
  const store = new TrainingJobStore(deps.database.db);
  const target = deps.config.executor === 'kubernetes' ? kubeTarget(deps.config) : undefined;
  // A local job's processes write their logs on this host; a cluster job's may be served by any replica.
  const logs: JobLogs = target ? new DbJobLogs(deps.database) : new FileJobLogs(new JobLayout(deps.config.dataDir));
  const runner: JobExecutor = target
    ? new KubeJobRunner(
        {
          ...kubeExecutorParts(deps.config, target),
          usage: { metrics: new ClusterMetrics(target.kc, target.namespace, deps.log), sampleMs: runtime.executor.sampleMs },
        },
        logs,
        store,
        deps.clock,
        deps.log,
        deps.buckets,
        deps.objectStore,
        deps.replica,
      )
    : new JobRunner(runtime, store, deps.objectStore, deps.clock, deps.log, deps.buckets, deps.replica);
  // On the cluster, jobs that name no pool are admitted against its nodes (this host's size until they are listed).
  const clusterPool = target ? (deps.clusterPool ?? LocalPool.dedicated([...deps.localPool.nodes()])) : undefined;
  const shared = deps.poolLedger ? { refresh: () => deps.poolLedger?.refresh() ?? Promise.resolve(), replica: deps.replica } : undefined;
  const scheduler = new JobScheduler(deps.pools, store, runner, deps.clock, deps.log, clusterPool, shared);
  const builder = new JobBuilder(runtime, deps.algorithms, deps.objectStore, deps.datasets, deps.clock, deps.buckets, deps.pools);
  deps.poolWorkloads.register('train', (projectId, poolName) => trainingWorkloads(store, projectId, poolName));
  const jobs = new TrainingJobService(
    runtime,
    store,
    builder,
    runner,
    scheduler,
    new LogUrlSigner(loadMasterKey(deps.config.dataDir, deps.config.masterKey)),
    deps.clock,
    logs,
  );
  return {
    jobs,
    reconcilers: [new TrainingJobReconciler(runner, scheduler)],
    close: async () => {
      await scheduler.settled();
      await runner.close();
    },
    register: async (app) => {
      if (target && clusterPool) await useClusterFlavors(runtime, target, clusterPool, deps.log);
      await app.register(resourceRoutes, { flavors: runtime.flavors, engines: runtime.engines });
      await app.register(jobRoutes, { jobs });
      await app.register(logRoutes, { jobs });
    },
  };
}
