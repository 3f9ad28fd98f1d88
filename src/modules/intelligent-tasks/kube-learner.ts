// The learner on the Kubernetes executor: a Job of one pod of the runtime image (its learner.py, numpy and
// scikit-learn). The learner's input goes to the task's folder in its dataset's work folder; the pod's init container
// downloads it (stage.py, plan in the task's staging Secret), the learner runs, and stage.py uploads its output.json
// once it exited 0. Atelier reads that output back and the task goes on as it does with a local learner. The Job's end
// comes from the informer watch (never polling), with the pod's reason when it fails (OOMKilled, ImagePullBackOff,
// Evicted, DeadlineExceeded). While the pod runs, the learner's progress lines are read from its log through the API
// (the kubelet serves it; a cluster that cannot leaves the progress where it was). A stop deletes the Job; a server that stops leaves it running, and the task's next run
// (the queue hands it to this or another replica) finds the Job by its name and follows it instead of making another.
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import { posix } from 'node:path';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { JobWaiter } from '#src/runtime/kubernetes/job-waiter.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import { TASK_CONTAINER, TASK_DIR, taskObjectName, taskObjects } from '#src/runtime/kubernetes/task-manifest.ts';
import { taskStagingSecretName, type TaskJobClient } from '#src/runtime/kubernetes/task-objects.ts';
import { stagingSecretOf, type StagingPlan, type StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { Learner, LearnerHandle, LearnerPlace, LearnerRun, LearnerTask } from './engine.ts';

/** Where the runtime image holds the learner (images/runtime/Dockerfile). */
export const IMAGE_LEARNER = '/opt/atelier/tasks/learner.py';
export const LEARNER_IN = posix.join(TASK_DIR, 'in');
export const LEARNER_OUT = posix.join(TASK_DIR, 'out');
/** The most of an output.json read back. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
/** How often a running learner's log is read for its progress, and how much of its end. */
const PROGRESS_EVERY_MS = 2000;
const PROGRESS_LOG_BYTES = 4096;

export interface KubeLearnerParts {
  namespace: string;
  image: string;
  /** The object store's bucket behind an API bucket name, as the pod addresses it. */
  realBucket: (bucket: string) => string;
  /** How the pod reaches the object store; undefined for a local fs store, which no pod can reach. */
  credential: StoreCredential | undefined;
  client: TaskJobClient;
  /** Made with the learner's status callback; follows the Jobs of tasks. */
  watch: (onStatus: (taskId: string, status: MappedStatus) => void) => TrainingJobWatch;
  /** The learner's time limit (activeDeadlineSeconds); none when undefined. */
  deadlineSeconds?: number;
  /** The installation's closed networks and pull secrets, for every pod. */
  defaults: WorkloadDefaults;
}

/** The input and output keys of a task's folder. */
export function learnerKeys(stage: ObjectPath): { input: string; output: string } {
  return { input: `${stage.key}in/input.json`, output: `${stage.key}out/` };
}

export class KubeLearner implements Learner {
  private readonly jobs: JobWaiter;

  constructor(
    private readonly kube: KubeLearnerParts,
    private readonly objects: ObjectStore,
    private readonly log: Logger,
  ) {
    this.jobs = new JobWaiter(kube.watch, kube.client, "learner's", TASK_CONTAINER);
  }

  async start(
    task: LearnerTask,
    input: unknown,
    onProgress: (p: number) => void,
    place: LearnerPlace,
    onState: (message: string) => void = () => undefined,
  ): Promise<LearnerRun> {
    if (!this.kube.credential) throw new Error('the kubernetes executor needs an S3-compatible object store its pods can reach (--object-store s3)');
    if (task.stage.bucket === '') throw new Error("the task's dataset has no work folder to stage the learner's input in");
    await this.jobs.start();
    const keys = learnerKeys(task.stage);
    const bucket = this.kube.realBucket(task.stage.bucket);
    const adopted = await this.stillThere(task.taskId);
    // The Job of an earlier run (before a restart) is adopted as it is: its input staged, maybe its output uploaded.
    if (!adopted) {
      await this.objects.deletePrefix(task.stage.bucket, keys.output);
      await this.objects.put(task.stage.bucket, keys.input, JSON.stringify(input));
    }
    const plan: StagingPlan = {
      inputs: [{ name: 'input', bucket, key: keys.input, dir: LEARNER_IN }],
      outputs: [{ name: 'output', bucket, key: keys.output, dir: LEARNER_OUT }],
    };
    const objects = taskObjects({
      taskId: task.taskId,
      projectId: task.projectId,
      namespace: this.kube.namespace,
      ...this.kube.defaults,
      type: 'intelligent',
      image: this.kube.image,
      command: ['python3', IMAGE_LEARNER, LEARNER_IN, LEARNER_OUT],
      stagingSecret: taskStagingSecretName(task.taskId),
      env: { OMP_NUM_THREADS: String(Math.max(1, Math.floor(place.amount.cpu))) },
      share: { cpu: place.amount.cpu, memoryMb: place.amount.memoryMb },
      ...(this.kube.deadlineSeconds ? { deadlineSeconds: this.kube.deadlineSeconds } : {}),
      ...(place.poolName ? poolPlacement(place.poolName) : {}),
    });
    const secret = stagingSecretOf(taskStagingSecretName(task.taskId), this.kube.namespace, objects.job.metadata?.labels ?? {}, plan, this.kube.credential);
    // The pod's share of its pool is taken before its Job is made, as the local learner's; a Job of an earlier run has it already.
    const key = `intelligent-task-${task.taskId}`;
    const holder = { kind: 'labeling task' as const, id: task.taskId, name: place.name, projectId: task.projectId };
    if (adopted) place.pool.set(key, place.amount, holder);
    else if (!place.pool.reserve(key, place.amount, holder))
      throw new Error(`the pool has no room for the learner (${place.amount.cpu} cores, ${place.amount.memoryMb} MB) now`);
    let said = '';
    const { ended } = this.jobs.wait(task.taskId, {
      onStatus: (status) => {
        const state = stateOf(status);
        if (state && state !== said) onState((said = state));
      },
      // its end seen, the Job goes (stage.py uploaded the output of one that completed before its pod ended)
      onEnd: () => this.removeJob(task.taskId),
    });
    // the run's share goes back however it ends
    const settled = ended.catch(() => undefined);
    void settled.finally(() => place.pool.release(key));
    try {
      const made = await this.kube.client.apply({ ...objects, secret });
      if (made === 'existed') this.log.info({ task: task.taskId }, `the Job ${taskObjectName(task.taskId)} of an earlier run exists: following it`);
    } catch (err) {
      this.jobs.settle(task.taskId, err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    // A stop or a server stop that came while the objects were being made: the run has been settled already.
    if (!this.jobs.has(task.taskId)) return { pid: 0, startTicks: 0, done: ended };
    this.jobs.follow(task.taskId);
    const progress = this.followProgress(task.taskId, onProgress);
    void settled.finally(() => clearInterval(progress));
    const done = ended.then(async () => JSON.parse(await this.objects.readText(task.stage.bucket, `${keys.output}output.json`, MAX_OUTPUT_BYTES)) as unknown);
    return { pid: 0, startTicks: 0, done };
  }

  kill(task: LearnerHandle): void {
    this.jobs.settle(task.id, new Error('stopped'));
    void this.kube.client.remove(task.id).catch((err: unknown) => this.log.error({ err, task: task.id }, "removing a task's Job failed"));
  }

  detach(task: LearnerHandle): void {
    this.jobs.settle(task.id, new Error('the server stops; the Job is left to be adopted'));
  }

  /** The Job of an earlier run is adopted by start(), which finds it by its name. */
  endEarlierRun(): void {}

  async stillThere(taskId: string): Promise<boolean> {
    return this.kube.client.jobExists(taskId);
  }

  cleanup(taskId: string, stage: ObjectPath): void {
    if (stage.bucket === '') return;
    void this.objects
      .deletePrefix(stage.bucket, stage.key)
      .catch((err: unknown) => this.log.warn({ err, task: taskId }, "the learner's staged files could not be removed"));
  }

  /** Deletes the Jobs of intelligent tasks that no longer run (their row gone or ended); returns their ids. */
  async removeOrphans(isActive: (taskId: string) => Promise<boolean>): Promise<string[]> {
    return this.kube.client.removeOrphans('intelligent', async (id) => this.jobs.has(id) || (await isActive(id)));
  }

  /** Stops watching; the runs still waiting end when the task queue aborts them (detach), which keeps their Jobs. */
  async close(): Promise<void> {
    await this.jobs.close();
  }

  /** Every PROGRESS_EVERY_MS while the learner's pod runs: the last "progress <percent>" line of its log. */
  private followProgress(taskId: string, onProgress: (p: number) => void): NodeJS.Timeout {
    let said = -1;
    let reading = false;
    const timer = setInterval(() => {
      const pod = this.jobs.newestPod(taskId);
      if (reading || !pod?.metadata?.name || pod.status?.phase !== 'Running') return;
      reading = true;
      void this.kube.client
        .podLog(pod.metadata.name, TASK_CONTAINER, PROGRESS_LOG_BYTES)
        .then((log) => {
          const last = [...log.matchAll(/^progress (\d+)$/gm)].pop();
          const p = last ? Math.min(100, Number(last[1])) : -1;
          if (p > said && this.jobs.has(taskId)) onProgress((said = p));
        })
        .catch(() => undefined) // no kubelet serves the log: the progress stays where it was
        .finally(() => (reading = false));
    }, PROGRESS_EVERY_MS);
    timer.unref();
    return timer;
  }

  private removeJob(taskId: string): void {
    void this.kube.client.remove(taskId).catch((err: unknown) => this.log.warn({ err, task: taskId }, "removing a task's Job failed"));
  }
}

/** The task's message while its learner's pod is made, waits for a node, or runs. */
function stateOf(status: MappedStatus): string | undefined {
  const why = status.tasks[0]?.message;
  switch (status.phase) {
    case 'Creating':
      return why ? `learner: ${why}` : 'learner: its pod is being created';
    case 'Pending':
      return `learner waiting: ${why ?? 'for a node'}`;
    case 'Running':
      return 'learning';
    case 'Completed':
    case 'Failed':
    case 'Terminating':
      return undefined;
  }
}
