// Status of training jobs (or of tasks, which run as Jobs of one pod) from watches, not polling: three informers (the managed Jobs, their pods, and the events
// saying a Job's pods could not be created, as when a ResourceQuota refuses them) keep a cache of the namespace's
// objects, and every change reports that job's mapped status again, when it differs from the last one reported. A watch that breaks is started again (the informer lists afresh, so nothing missed
// in between is lost).
import type { CoreV1Event, Informer, KubeConfig, ListWatch, ObjectCache, V1Job, V1Pod } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { mapTrainingJobStatus, type MappedStatus } from './job-status.ts';
import { kindSelector, LABEL_ID } from './labels.ts';

export interface TrainingJobStatusEvent {
  jobId: string;
  status: MappedStatus;
}

/** The Job controller's event when it cannot create a pod (a quota exceeded, a missing ServiceAccount...). */
const CREATE_FAILURES = 'involvedObject.kind=Job,reason=FailedCreate';
/** What the watch follows: training jobs (the default) or tasks, each by its kind label and its Jobs' name prefix. */
const WATCHED = {
  'training-job': { kind: 'training-job', jobName: /^ma-job-(.+)$/ },
  task: { kind: 'task', jobName: /^ma-task-(.+)$/ },
} as const;

export class TrainingJobWatch {
  private readonly jobs: Informer<V1Job> & ObjectCache<V1Job>;
  private readonly pods: Informer<V1Pod> & ObjectCache<V1Pod>;
  private readonly events: ListWatch<CoreV1Event>;
  private readonly last = new Map<string, string>();
  /** Node count of each job being followed: the status needs it to name the tasks that have no pod yet. */
  private readonly followed = new Map<string, number>();
  private stopped = false;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
    private readonly onStatus: (e: TrainingJobStatusEvent) => void,
    private readonly opts: { restartMs?: number; kind?: keyof typeof WATCHED } = {},
  ) {
    const watched = WATCHED[opts.kind ?? 'training-job'];
    const selector = kindSelector(watched.kind);
    const batch = kc.makeApiClient(k8s().BatchV1Api);
    const core = kc.makeApiClient(k8s().CoreV1Api);
    this.jobs = k8s().makeInformer(
      kc,
      `/apis/batch/v1/namespaces/${namespace}/jobs`,
      () => batch.listNamespacedJob({ namespace, labelSelector: selector }),
      selector,
    );
    this.pods = k8s().makeInformer(kc, `/api/v1/namespaces/${namespace}/pods`, () => core.listNamespacedPod({ namespace, labelSelector: selector }), selector);
    this.events = new (k8s().ListWatch)(
      `/api/v1/namespaces/${namespace}/events`,
      new (k8s().Watch)(kc),
      () => core.listNamespacedEvent({ namespace, fieldSelector: CREATE_FAILURES }),
      false,
      undefined,
      CREATE_FAILURES,
    );
    for (const informer of [this.jobs, this.pods] as const) {
      const changed = (obj: V1Job | V1Pod) => {
        const id = obj.metadata?.labels?.[LABEL_ID];
        if (id) this.report(id);
      };
      (informer as Informer<V1Job | V1Pod>).on('add', changed);
      (informer as Informer<V1Job | V1Pod>).on('update', changed);
      (informer as Informer<V1Job | V1Pod>).on('delete', changed);
      informer.on('error', () => {
        if (this.stopped) return;
        setTimeout(() => void (this.stopped ? undefined : informer.start().catch(() => undefined)), this.opts.restartMs ?? 1000);
      });
    }
    // Events name their Job, not the job's labels: the id comes from the Job's name.
    const eventChanged = (e: CoreV1Event) => {
      const id = watched.jobName.exec(e.involvedObject.name ?? '')?.[1];
      if (!id) return;
      const followed = [...this.followed.keys()].find((j) => j.toLowerCase() === id);
      if (followed) this.report(followed);
    };
    this.events.on('add', eventChanged);
    this.events.on('update', eventChanged);
    this.events.on('error', () => {
      if (this.stopped) return;
      setTimeout(() => void (this.stopped ? undefined : this.events.start().catch(() => undefined)), this.opts.restartMs ?? 1000);
    });
  }

  async start(): Promise<void> {
    await Promise.all([this.jobs.start(), this.pods.start(), this.events.start()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.jobs.stop(), this.pods.stop(), this.events.stop()]);
  }

  /** Follows a job: its status is reported now and on every change. */
  follow(jobId: string, nodeCount: number): void {
    this.followed.set(jobId, nodeCount);
    this.last.delete(jobId);
    this.report(jobId);
  }

  unfollow(jobId: string): void {
    this.followed.delete(jobId);
    this.last.delete(jobId);
  }

  /** Whether the job's Job is in the cache (created and not yet gone). */
  hasJob(jobId: string): boolean {
    return this.jobs.list(this.namespace).some((j) => j.metadata?.labels?.[LABEL_ID] === jobId);
  }

  /** The job's pods in the cache. */
  podsOf(jobId: string): V1Pod[] {
    return this.pods.list(this.namespace).filter((p) => p.metadata?.labels?.[LABEL_ID] === jobId);
  }

  /** The ids of the jobs whose Job is in the cache. */
  jobIds(): string[] {
    return this.jobs.list(this.namespace).flatMap((j) => (j.metadata?.labels?.[LABEL_ID] ? [j.metadata.labels[LABEL_ID]] : []));
  }

  /** The job's status from the cache. */
  status(jobId: string, nodeCount: number): MappedStatus {
    const job = this.jobs.list(this.namespace).find((j) => j.metadata?.labels?.[LABEL_ID] === jobId);
    const pods = this.pods.list(this.namespace).filter((p) => p.metadata?.labels?.[LABEL_ID] === jobId);
    return mapTrainingJobStatus(job, pods, nodeCount, job ? this.createFailure(job) : undefined);
  }

  /** The newest message of the Job controller failing to create a pod of this Job (this very object, by uid). */
  private createFailure(job: V1Job): string | undefined {
    const uid = job.metadata?.uid;
    if (!uid) return undefined;
    const at = (e: CoreV1Event) => new Date(e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? 0).getTime();
    const newest = this.events
      .list(this.namespace)
      .filter((e) => e.involvedObject.uid === uid)
      .sort((a, b) => at(b) - at(a))[0];
    return newest?.message;
  }

  private report(jobId: string): void {
    const nodeCount = this.followed.get(jobId);
    if (nodeCount === undefined) return;
    const status = this.status(jobId, nodeCount);
    const key = JSON.stringify(status);
    if (this.last.get(jobId) === key) return;
    this.last.set(jobId, key);
    this.onStatus({ jobId, status });
  }
}
