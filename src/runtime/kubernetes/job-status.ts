// How a training job's Kubernetes objects read as a ModelArts status. The Job's conditions decide the end (Complete or
// Failed); before that, the pods say whether the job waits for room (unschedulable: Pending/Queuing), starts or runs
// (Running), or cannot start at all (its image cannot be pulled: Failed). Each pod is a task, worker-<completion index>,
// with its worker container's exit code and why it ended: over its memory limit (OOMKilled), evicted from its node,
// or an image that cannot be pulled.
import type { V1ContainerStatus, V1Job, V1Pod } from '@kubernetes/client-node';
import { COMPLETION_INDEX_ANNOTATION, WORKER_CONTAINER } from './training-job-manifest.ts';

export type MappedPhase = 'Creating' | 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Terminating';

export interface MappedTask {
  task: string;
  /** The worker container's exit code, -1 while none is known. */
  exit_code: number;
  /** Empty while nothing is wrong or after exit 0, else what went wrong or why it waits. */
  message: string;
}

export interface MappedStatus {
  phase: MappedPhase;
  secondary_phase: string;
  tasks: MappedTask[];
  /** Epoch ms the first worker started, when one has. */
  startedAt?: number;
  /** The first cause of a failure, for the job's log. */
  reason?: string;
}

/** Waiting reasons after which the pod never starts without a change to the job. */
const IMAGE_FAILURES = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);
const CONFIG_FAILURES = new Set(['CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

const condition = (job: V1Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

function worker(pod: V1Pod): V1ContainerStatus | undefined {
  return pod.status?.containerStatuses?.find((c) => c.name === WORKER_CONTAINER) ?? pod.status?.containerStatuses?.[0];
}

function indexOf(pod: V1Pod, nodeCount: number): number | undefined {
  const raw = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
  // The pod of a Job of one pod that is not indexed (a task's Job) is its only task.
  if (raw === undefined) return nodeCount === 1 ? 0 : undefined;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

const time = (t: Date | string | undefined) => (t === undefined ? 0 : new Date(t).getTime());

/** One task's state from the newest pod of its index. */
function taskOf(name: string, pod: V1Pod | undefined): MappedTask & { state: 'none' | 'unschedulable' | 'starting' | 'running' | 'succeeded' | 'failed' } {
  if (!pod) return { task: name, exit_code: -1, message: '', state: 'none' };
  const c = worker(pod);
  const waiting = c?.state?.waiting;
  if (waiting?.reason && IMAGE_FAILURES.has(waiting.reason)) {
    return {
      task: name,
      exit_code: -1,
      message: `the image ${c?.image ?? ''} cannot be pulled (${waiting.reason}): ${waiting.message ?? ''}`.trim(),
      state: 'failed',
    };
  }
  if (waiting?.reason && CONFIG_FAILURES.has(waiting.reason)) {
    return { task: name, exit_code: -1, message: `the container cannot be created (${waiting.reason}): ${waiting.message ?? ''}`.trim(), state: 'failed' };
  }
  const terminated = c?.state?.terminated ?? (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded' ? c?.lastState?.terminated : undefined);
  if (pod.status?.phase === 'Failed' && pod.status.reason === 'Evicted') {
    return { task: name, exit_code: terminated?.exitCode ?? -1, message: `evicted from its node: ${pod.status.message ?? ''}`.trim(), state: 'failed' };
  }
  if (terminated) {
    const code = terminated.exitCode;
    if (terminated.reason === 'OOMKilled') {
      const limit = pod.spec?.containers.find((x) => x.name === c?.name)?.resources?.limits?.memory;
      return { task: name, exit_code: code, message: `killed for going over its memory limit${limit ? ` (${limit})` : ''} (OOMKilled)`, state: 'failed' };
    }
    if (code === 0) return { task: name, exit_code: 0, message: '', state: 'succeeded' };
    const why = terminated.signal ? `killed by signal ${terminated.signal}` : `exited with code ${code}`;
    return {
      task: name,
      exit_code: code,
      message: `${why}${terminated.reason && terminated.reason !== 'Error' ? ` (${terminated.reason})` : ''}`,
      state: 'failed',
    };
  }
  if (pod.status?.phase === 'Failed') {
    const disrupted = pod.status.conditions?.find((x) => x.type === 'DisruptionTarget' && x.status === 'True');
    const why = disrupted ? `${disrupted.reason ?? 'disrupted'}: ${disrupted.message ?? ''}` : `${pod.status.reason ?? 'failed'}: ${pod.status.message ?? ''}`;
    return { task: name, exit_code: -1, message: why.trim().replace(/:$/, ''), state: 'failed' };
  }
  if (pod.status?.phase === 'Succeeded') return { task: name, exit_code: 0, message: '', state: 'succeeded' };
  const scheduled = pod.status?.conditions?.find((x) => x.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return {
      task: name,
      exit_code: -1,
      message: `waiting for a node (${scheduled.reason ?? 'unscheduled'}): ${scheduled.message ?? ''}`.trim(),
      state: 'unschedulable',
    };
  }
  if (pod.status?.phase === 'Running' && c?.state?.running) return { task: name, exit_code: -1, message: '', state: 'running' };
  if (!scheduled && !pod.spec?.nodeName) return { task: name, exit_code: -1, message: 'waiting for the scheduler', state: 'unschedulable' };
  return { task: name, exit_code: -1, message: '', state: 'starting' };
}

/** The quota named in a pod creation refused by ResourceQuota admission ("... exceeded quota: <name>, requested: ..."). */
const QUOTA_REFUSAL = /exceeded quota: ([^,\s]+)(.*)$/;

/**
 * What a task with no pod says when the Job controller could not create it: a quota that refuses the pod (the job
 * waits for room, Queuing) or another refusal (said as it is).
 */
function createFailureTask(task: MappedTask, failure: string): MappedTask & { state: 'unschedulable' | 'none' } {
  const quota = QUOTA_REFUSAL.exec(failure);
  if (quota) return { ...task, message: `its pod is refused by the ResourceQuota ${quota[1]} (exceeded quota${quota[2]})`, state: 'unschedulable' };
  return { ...task, message: `its pod cannot be created: ${failure.replace(/^Error creating: /, '')}`, state: 'none' };
}

/**
 * The status of a training job from its Job (undefined: not created yet, or gone), the Job's pods, and the Job
 * controller's last message about a pod it could not create (a FailedCreate event), if any.
 */
export function mapTrainingJobStatus(job: V1Job | undefined, pods: V1Pod[], nodeCount: number, createFailure?: string): MappedStatus {
  const newest = new Map<number, V1Pod>();
  for (const pod of pods) {
    const i = indexOf(pod, nodeCount);
    if (i === undefined || i >= nodeCount) continue;
    const seen = newest.get(i);
    if (!seen || time(pod.metadata?.creationTimestamp) >= time(seen.metadata?.creationTimestamp)) newest.set(i, pod);
  }
  const tasks = Array.from({ length: nodeCount }, (_, i) => {
    const task = taskOf(`worker-${i}`, newest.get(i));
    return task.state === 'none' && createFailure && job ? createFailureTask(task, createFailure) : task;
  });
  const started = pods.map((p) => time(p.status?.startTime)).filter((t) => t > 0);
  const startedAt = started.length > 0 ? Math.min(...started) : undefined;
  const out = (phase: MappedPhase, secondary: string, reason?: string): MappedStatus => ({
    phase,
    secondary_phase: secondary,
    tasks: tasks.map(({ task, exit_code, message }) => ({ task, exit_code, message })),
    ...(startedAt !== undefined ? { startedAt } : {}),
    ...(reason !== undefined ? { reason } : {}),
  });
  if (!job) return out('Creating', 'Creating');
  if (job.metadata?.deletionTimestamp) return out('Terminating', 'Terminating');
  // SuccessCriteriaMet and FailureTarget come first; Complete and Failed follow once every pod has ended, which a pod
  // on a lost node may never do.
  if (condition(job, 'Complete') ?? condition(job, 'SuccessCriteriaMet')) return out('Completed', 'Completed');
  const failedTask = tasks.find((t) => t.state === 'failed');
  const failed = condition(job, 'Failed') ?? condition(job, 'FailureTarget');
  if (failed) return out('Failed', 'Failed', failedTask?.message || `${failed.reason ?? 'Failed'}: ${failed.message ?? ''}`.trim());
  // A job runs whole or not at all (backoffLimit 0): one failed task fails it, before the Job controller says so; an
  // image that cannot be pulled or a container that cannot be made never gets better by waiting.
  if (failedTask) return out('Failed', 'Failed', failedTask.message);
  // The nodes of a job work together: while one of them finds no room, the job waits, whatever the others do.
  if (tasks.some((t) => t.state === 'unschedulable')) return out('Pending', 'Queuing');
  if (tasks.some((t) => t.state !== 'none')) return out('Running', 'Running');
  return out('Creating', 'Creating');
}
