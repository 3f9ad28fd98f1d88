import { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { AppContext, FamilyModule } from '#src/context.ts';
import { kubeTarget, realBucketOf, storeCredential, workloadDefaults } from '#src/modules/training-jobs/index.ts';
import { TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import { silentLogger, type Logger } from '#src/runtime/logger.ts';
import type { ProcessorVersions } from './dataset-output.ts';
import type { ProcessorDatasets, ProcessorSamples } from './inputs.ts';
import { KubeProcessing } from './kube-processing.ts';
import { KubeProcessingReconciler } from './kube-reconciler.ts';
import { processorRoutes } from './routes.ts';
import { RunningVersions, runVersionTask } from './run-version.ts';
import { ProcessorService } from './service.ts';
import { ProcessorStore } from './store.ts';

export type ProcessorTasksDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'buckets' | 'tasks' | 'config' | 'localPool'> & {
  /** The datasets family's directory: datasets named as inputs or work paths. */
  datasets: ProcessorDatasets;
  /** The samples family: a dataset's samples as inputs, and the run's files added as samples. */
  samples: ProcessorSamples;
  /** The datasets family's version publishing, for runs whose work path is a dataset. */
  versions: ProcessorVersions;
  /** On the kubernetes executor: the cluster's nodes as the pool of work that names none, where a version's pod holds its share. */
  clusterPool?: LocalPool;
  log?: Logger;
};

/** The operators on the Kubernetes executor: a Job of Atelier's own image per version, followed by an informer watch. */
function kubeProcessing(deps: ProcessorTasksDeps, log: Logger): KubeProcessing {
  const target = kubeTarget(deps.config);
  return new KubeProcessing(
    {
      namespace: target.namespace,
      defaults: workloadDefaults(deps.config),
      image: deps.config.kube.atelierImage,
      realBucket: realBucketOf(deps.config),
      credential: storeCredential(deps.config),
      client: new TaskJobClient(target.kc, target.namespace),
      watch: (onStatus) => new TrainingJobWatch(target.kc, target.namespace, (e) => onStatus(e.jobId, e.status), { kind: 'task' }),
      // processing names no pool: its pods share the cluster's nodes (this host's size until they are listed)
      pool: deps.clusterPool ?? LocalPool.dedicated([...deps.localPool.nodes()]),
    },
    deps.objectStore,
    log,
  );
}

/** Data processing tasks and versions (#68-79): each version runs the template's operators over the inputs on the task queue. */
export function processorTasksModule(deps: ProcessorTasksDeps): FamilyModule & { service: ProcessorService } {
  const store = new ProcessorStore(deps.database.db);
  const running = new RunningVersions();
  const log = deps.log ?? silentLogger;
  const kube = deps.config.executor === 'kubernetes' ? kubeProcessing(deps, log) : undefined;
  const taskOutput = async (projectId: string, taskId: string) => {
    const task = await store.task(projectId, taskId);
    if (!task) return undefined;
    const done = (await store.versions(task.id)).filter((v) => v.status === 2 && v.output_path !== '');
    const last = done[done.length - 1];
    if (!last) return undefined;
    const [, bucket = '', ...rest] = last.output_path.split('/');
    return { bucket, key: `${rest.join('/')}Data/` };
  };
  const runTask = runVersionTask({
    store,
    clock: deps.clock,
    running,
    objects: deps.objectStore,
    buckets: deps.buckets,
    datasets: deps.datasets,
    samples: deps.samples,
    versions: deps.versions,
    taskOutput,
    ...(kube ? { kube } : {}),
  });
  const service = new ProcessorService({ store, clock: deps.clock, buckets: deps.buckets, datasets: deps.datasets, queue: deps.tasks, runTask, running });
  return {
    service,
    tasks: [runTask],
    ...(kube ? { reconcilers: [new KubeProcessingReconciler(kube, store, log)], close: () => kube.close() } : {}),
    register: async (app) => void (await app.register(processorRoutes, { service })),
  };
}
