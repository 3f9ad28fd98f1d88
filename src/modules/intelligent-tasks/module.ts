import type { AppContext, FamilyModule } from '#src/context.ts';
import type { AutoLabels, SampleQueries } from '#src/modules/samples/index.ts';
import { kubeTarget, realBucketOf, storeCredential, workloadDefaults } from '#src/modules/training-jobs/index.ts';
import { TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { silentLogger, type Logger } from '#src/runtime/logger.ts';
import { LearningEngine, type Learner } from './engine.ts';
import { FeatureExtractor } from './feature-extractor.ts';
import { KubeLearner } from './kube-learner.ts';
import { KubeTaskReconciler } from './kube-reconciler.ts';
import { intelligentTaskRoutes } from './routes.ts';
import { Prelabeler, type PrelabelModels } from './prelabel.ts';
import { KubeBatch, type ServiceFlavors } from '#src/modules/services/index.ts';
import { IntelligentTasks, type TaskDatasets } from './service.ts';
import { intelligentTaskWorkloads } from './pool-workloads.ts';
import { IntelligentTaskStore } from './store.ts';
import { TaskStatus } from './tables.ts';

export type IntelligentTaskDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'tasks' | 'config' | 'pools' | 'sandbox' | 'poolWorkloads'> & {
  datasets: TaskDatasets;
  autoLabels: AutoLabels;
  queries: SampleQueries;
  /** The project's models, which pre-labeling runs. */
  models: PrelabelModels;
  /** The flavors a learner's flavor.code may name (the services family's: this host's, or the cluster's nodes'). */
  flavors?: ServiceFlavors;
  /** On the kubernetes executor: the cluster's nodes as the pool of work that names none (the services family's). */
  clusterPool?: LocalPool;
  log?: Logger;
};

/** The learner on the Kubernetes executor: a Job per task in the executor's namespace, followed by an informer watch. */
function kubeLearner(deps: IntelligentTaskDeps, log: Logger): KubeLearner {
  const target = kubeTarget(deps.config);
  return new KubeLearner(
    {
      namespace: target.namespace,
      defaults: workloadDefaults(deps.config),
      image: deps.config.kube.image,
      realBucket: realBucketOf(deps.config),
      credential: storeCredential(deps.config),
      client: new TaskJobClient(target.kc, target.namespace),
      watch: (onStatus) => new TrainingJobWatch(target.kc, target.namespace, (e) => onStatus(e.jobId, e.status), { kind: 'task' }),
    },
    deps.objectStore,
    log,
  );
}

/** Pre-labeling on the Kubernetes executor: a Job per run, the model server beside Atelier's command. */
function kubePrelabel(deps: IntelligentTaskDeps, log: Logger): KubeBatch {
  const target = kubeTarget(deps.config);
  return new KubeBatch(
    {
      namespace: target.namespace,
      defaults: workloadDefaults(deps.config),
      atelierImage: deps.config.kube.atelierImage,
      runtimeImage: deps.config.kube.image,
      realBucket: realBucketOf(deps.config),
      credential: storeCredential(deps.config),
      client: new TaskJobClient(target.kc, target.namespace),
      watch: (onStatus) => new TrainingJobWatch(target.kc, target.namespace, (e) => onStatus(e.jobId, e.status), { kind: 'task' }),
      scheduleWaitMs: deps.config.kube.scheduleTimeoutSeconds * 1000,
    },
    deps.objectStore,
    log,
  );
}

/** The Job of a pre-labeling run whose task no longer runs (deleted, stopped or ended while no server followed it) goes. */
async function removePrelabelOrphans(jobs: KubeBatch, store: IntelligentTaskStore, log: Logger): Promise<void> {
  const active: readonly number[] = [TaskStatus.queued, TaskStatus.init, TaskStatus.running];
  const removed = await jobs.removeOrphans(async (id) => {
    const row = await store.byId(id);
    return row !== undefined && active.includes(row.status);
  }, 'prelabel');
  if (removed.length > 0) log.info({ tasks: removed }, 'removed the Kubernetes Jobs of pre-labeling runs that no longer run');
}

/** Auto labeling and auto grouping tasks, and the samples they label (#62-67). */
export function intelligentTasksModule(deps: IntelligentTaskDeps): FamilyModule {
  const store = new IntelligentTaskStore(deps.database.db);
  deps.poolWorkloads.registerMore((projectId, poolName) => intelligentTaskWorkloads(store, projectId, poolName));
  const log = deps.log ?? silentLogger;
  const kube = deps.config.executor === 'kubernetes' ? kubeLearner(deps, log) : undefined;
  const engine: Learner = kube ?? new LearningEngine(deps);
  const prelabelJobs = kube ? kubePrelabel(deps, log) : undefined;
  const tasks = new IntelligentTasks(
    store,
    deps.datasets,
    deps.autoLabels,
    new FeatureExtractor(deps.config.objectStore),
    engine,
    deps.tasks,
    deps.clock,
    new Prelabeler({ ...deps, dataDir: deps.config.dataDir, predictTimeoutMs: deps.config.inferTimeoutSeconds * 1000, kube: prelabelJobs }),
    deps.models,
    deps.pools,
    deps.flavors,
    deps.clusterPool,
  );
  return {
    tasks: [tasks.definition],
    ...(kube && prelabelJobs
      ? {
          reconcilers: [new KubeTaskReconciler(kube, store, log), { name: 'prelabel-jobs', reconcile: () => removePrelabelOrphans(prelabelJobs, store, log) }],
          close: async () => {
            await kube.close();
            await prelabelJobs.close();
          },
        }
      : {}),
    register: async (app) => void (await app.register(intelligentTaskRoutes, { tasks, queries: deps.queries })),
  };
}
