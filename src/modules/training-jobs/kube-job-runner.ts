// Runs admitted jobs on the Kubernetes executor: each job becomes an indexed Job (one pod per node) with its staging
// Secret, ServiceAccount, Service and NetworkPolicy. The job's phase follows the Job and its pods from the informer
// watch, never by polling: while the pods wait the job shows Running/Creating or Running/Queuing, then Running, and it
// ends Completed or Failed with the pods' reason (ImagePullBackOff, OOMKilled, Evicted...). Stop and delete remove the
// Job; the end is recorded once it is gone. After a restart every Running or Terminating job is matched with its Job by
// labels (applying again creates nothing twice), and Jobs with no active row are deleted as orphans.
// The job's service lines, the pods' logs copied at its end and its samples go to the job logs kept in the database, which
// every replica serves; any replica reads a running job's pod logs live.
// A hyperparameter search runs its trials one after the other under the same Job name: each trial's Job (its parameters,
// its outputs below the trial's own prefix) is deleted once it ended and its reward was read from worker-0's pod log,
// and the next one is made once the cache shows no Job or pod of the previous one. The trial loop lives in the replica
// that holds the job's lease; a restart fails the search, as on the local executor.
import type { Clock } from '#src/core/time.ts';
import type { MappedStatus } from '#src/runtime/kubernetes/job-status.ts';
import { trainingJobObjectName, trainingJobObjects, WORKER_CONTAINER } from '#src/runtime/kubernetes/training-job-manifest.ts';
import { podLogFailure, podOfTask, readTaskPodLog } from '#src/runtime/kubernetes/pod-logs.ts';
import type { TrainingJobClient } from '#src/runtime/kubernetes/training-job-objects.ts';
import { STAGING_INIT_CONTAINER, stagingSecret, withStaging, type StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { TrainingJobWatch } from '#src/runtime/kubernetes/training-job-watch.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { ReplicaLeases } from '#src/runtime/leases.ts';
import { bestTrial, readReward, searchSummary, trialStartLine, type SearchPlan, type SearchState, type TrialResult } from './auto-search.ts';
import type { JobExecutor } from './job-executor.ts';
import { JobOwnership } from './job-ownership.ts';
import { dropTrials, keepBestTrial, trialPlan } from './kube-job-search.ts';
import { taskNames } from './job-layout.ts';
import type { JobLogs } from './job-logs.ts';
import { KubeJobMetrics, type KubeJobUsage } from './kube-job-metrics.ts';
import { kubeJobWorkload, type KubeJobSettings } from './kube-job-workload.ts';
import { exportJobLogs } from './log-export.ts';
import { ACTIVE_PHASES, type TrainingJobStore } from './store.ts';
import type { TrainingJobRow } from './tables.ts';
import type { MappedTask } from '#src/runtime/kubernetes/job-status.ts';

export interface KubeExecutorParts extends KubeJobSettings {
  client: TrainingJobClient;
  /** Made with the runner's status callback. */
  watch: (onStatus: (jobId: string, status: MappedStatus) => void) => TrainingJobWatch;
  /** How the pods reach the object store; undefined when they cannot (a local fs store): jobs fail saying so. */
  credential: StoreCredential | undefined;
  /** The image of the containers that hold that credential: Atelier's own, never the job's (user code runs there). */
  stagingImage: string;
  /** Where the tasks' CPU and memory are read (the metrics API); absent: not measured. */
  usage?: KubeJobUsage;
}

interface Followed {
  nodeCount: number;
  /** The Job has been seen in the watch: from then on its absence means it is gone. */
  seen: boolean;
  /** Its objects are being removed (stop, delete, or the end was recorded). */
  removing: boolean;
  search?: SearchRun;
}

/** A search being run: the trial whose Job runs (or is being made), the results so far. */
interface SearchRun {
  plan: SearchPlan;
  results: TrialResult[];
  trial: number;
  /** The tasks as the last trial ended, reported at the end. */
  lastTasks: MappedTask[];
}

const SERVICE = '[ModelArts Service Log]';
/** The most of a container's log copied into its task's log. */
const POD_LOG_LIMIT = 16 * 1024 * 1024;
/** The most of each container's log a preview reads live. */
const LIVE_LOG_LIMIT = 1024 * 1024;
/** A trial's reward is read from at most this much of the end of worker-0's log. */
const REWARD_WINDOW = 1024 * 1024;
/** How long a trial's Job and pods may take to go before the next trial is made. */
const RUN_GONE_MS = 120_000;

export class KubeJobRunner implements JobExecutor {
  /** Running/Running is said only once the watch sees a pod run. */
  readonly admittedPhase = 'Creating';
  private readonly followed = new Map<string, Followed>();
  private readonly releaseListeners: (() => void)[] = [];
  /** Each job's status updates, one after the other. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly chains = new Set<Promise<void>>();
  private readonly watch: TrainingJobWatch;
  private readonly sampler: KubeJobMetrics | undefined;
  private watching: Promise<void> | undefined;
  private closed = false;
  /** Searches only: their trial loop runs in one replica, which holds the job's lease. */
  private readonly ownership: JobOwnership;

  constructor(
    private readonly kube: KubeExecutorParts,
    private readonly logs: JobLogs,
    private readonly store: TrainingJobStore,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly buckets: BucketAccess,
    private readonly objects: ObjectStore,
    replica?: ReplicaLeases,
  ) {
    this.ownership = new JobOwnership(replica, () => [...this.followed].flatMap(([id, f]) => (f.search ? [id] : [])));
    this.watch = kube.watch((jobId, status) => this.enqueue(jobId, () => this.record(jobId, status)));
    this.sampler = kube.usage && new KubeJobMetrics(kube.usage, logs, (id) => this.watch.podsOf(id), clock);
  }

  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  /** No process of a job runs on this host. */
  onProcess(): void {}

  async serviceLog(row: Pick<TrainingJobRow, 'id' | 'node_count'>, line: string): Promise<void> {
    const text = `${SERVICE} ${new Date(this.clock.now()).toISOString()} ${line}\n`;
    await Promise.all(taskNames(row.node_count).map((t) => this.logs.append(row.id, t, text)));
  }

  /**
   * A running task's pod log (staging, then worker), read live through the API; a log it cannot read is said in a line.
   * Any replica reads it: the watch caches the pods of every training job, whichever replica follows it.
   */
  async liveLog(row: TrainingJobRow, task: string): Promise<string | undefined> {
    const index = taskNames(row.node_count).indexOf(task);
    if (index < 0 || this.closed) return undefined;
    // A watch that cannot start leaves the cache empty: the answer then says no pod can be seen.
    await this.startWatch().catch(() => undefined);
    const read = (pod: string, container: string, limit: number) => this.kube.client.podLog(pod, container, limit);
    return readTaskPodLog(this.watch.podsOf(row.id), index, [STAGING_INIT_CONTAINER, WORKER_CONTAINER], read, LIVE_LOG_LIMIT, SERVICE);
  }

  isTracked(jobId: string): boolean {
    return this.followed.has(jobId);
  }

  start(row: TrainingJobRow): void {
    if (this.closed) return;
    this.followed.set(row.id, { nodeCount: row.node_count, seen: false, removing: false });
    this.track(this.launch(row).catch((err: unknown) => this.fail(row, err)));
  }

  stop(row: TrainingJobRow): void {
    const f = this.followed.get(row.id);
    if (f) f.removing = true;
    this.track(
      this.kube.client
        .remove(row.id)
        .then(() => {
          // Never created (stopped before the Job was made): nothing will come from the watch.
          if (!f || (!f.seen && !this.watch.hasJob(row.id))) this.enqueue(row.id, () => this.ended(row.id));
        })
        .catch((err: unknown) => this.log.error({ err, job: row.id }, 'removing a training job from the cluster failed')),
    );
  }

  async removeFiles(jobId: string): Promise<void> {
    await this.logs.remove(jobId);
  }

  async reconcile(): Promise<void> {
    if (this.closed) return;
    await this.startWatch();
    for (const listed of await this.store.inPhases(ACTIVE_PHASES)) {
      if (this.followed.has(listed.id) || this.closed) continue;
      const row = await this.store.getById(listed.id);
      if (!row || !ACTIVE_PHASES.includes(row.phase) || this.followed.has(row.id)) continue;
      if (row.search) {
        // Just admitted by another replica that has not taken its lease yet, or run by a live one.
        if (this.clock.now() - Number(row.update_time) < this.ownership.graceMs || !(await this.ownership.take(row.id))) continue;
        // The trial loop lived in the server that stopped; its results so far are in the row and the log.
        this.followed.set(row.id, { nodeCount: row.node_count, seen: true, removing: true });
        await this.fail(row, new Error('the server stopped during the hyperparameter search'));
        await this.ownership.release(row.id);
        continue;
      }
      if (this.watch.hasJob(row.id)) {
        this.followed.set(row.id, { nodeCount: row.node_count, seen: true, removing: row.terminate_requested === 1 });
        await this.serviceLog(row, 'server restarted; job adopted').catch(() => undefined);
        if (row.terminate_requested) this.stop(row);
        this.watch.follow(row.id, row.node_count);
        this.sampler?.follow(row);
      } else if (row.terminate_requested) {
        this.followed.set(row.id, { nodeCount: row.node_count, seen: true, removing: true });
        await this.ended(row.id);
      } else {
        // The server stopped before the Job was made (or while making it): applying again makes only what is missing.
        this.start(row);
      }
    }
    const orphans = await this.kube.client.removeOrphans(async (id) => {
      if (this.followed.has(id)) return true;
      const row = await this.store.getById(id);
      return row !== undefined && ACTIVE_PHASES.includes(row.phase);
    });
    if (orphans.length > 0) this.log.info({ jobs: orphans }, 'removed the Kubernetes objects of training jobs that are no longer running');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.sampler?.close();
    await Promise.allSettled([...this.chains]);
    await Promise.allSettled([...this.queues.values()]);
    // A search stops with this server: the next reconciler (this one restarted, or another replica) fails it at once.
    this.ownership.close();
    await Promise.all([...this.followed].flatMap(([id, f]) => (f.search ? [this.ownership.release(id)] : [])));
    if (this.watching) await this.watch.stop().catch(() => undefined);
  }

  private startWatch(): Promise<void> {
    this.watching ??= this.watch.start();
    return this.watching;
  }

  private track(chain: Promise<void>): void {
    const tracked = chain.finally(() => this.chains.delete(tracked));
    this.chains.add(tracked);
  }

  private enqueue(jobId: string, work: () => Promise<void>): void {
    const next = (this.queues.get(jobId) ?? Promise.resolve())
      .then(work)
      .catch((err: unknown) => this.log.error({ err, job: jobId }, 'recording a training job status failed'));
    this.queues.set(jobId, next);
    void next.finally(() => {
      if (this.queues.get(jobId) === next) this.queues.delete(jobId);
    });
  }

  private async launch(row: TrainingJobRow): Promise<void> {
    await this.startWatch();
    if (row.search) {
      const f = this.followed.get(row.id);
      if (!f) return;
      if (!(await this.ownership.take(row.id))) {
        // Too slow to take it: another replica's reconciler holds the search and ends it, as after a restart.
        await this.serviceLog(row, 'another replica holds this hyperparameter search: this one does not run it').catch(() => undefined);
        return this.forget(row.id);
      }
      const { plan } = JSON.parse(row.search) as SearchState;
      f.search = { plan, results: [], trial: 0, lastTasks: [] };
      await this.serviceLog(row, trialStartLine(plan, 0));
    }
    if (await this.makeRun(row)) this.sampler?.follow(row);
  }

  /** Makes the job's Job (a search's current trial) and follows it; false when a stop came meanwhile. */
  private async makeRun(row: TrainingJobRow): Promise<boolean> {
    const search = this.followed.get(row.id)?.search;
    const { workload, plan } = await kubeJobWorkload(row, this.kube, this.buckets, search?.plan.trials[search.trial]);
    if (!this.kube.credential) throw new Error('the kubernetes executor needs an S3-compatible object store its pods can reach (--object-store s3)');
    const objects = trainingJobObjects(workload);
    const secret = stagingSecret(row.id, row.project_id, this.kube.namespace, search ? trialPlan(plan, search.trial) : plan, this.kube.credential);
    await this.serviceLog(row, `creating Job ${trainingJobObjectName(row.id)} in namespace ${this.kube.namespace} with image ${workload.image}`);
    const made = await this.kube.client.apply({ ...objects, job: withStaging(objects.job, row.id, this.kube.stagingImage), secret });
    if (made === 'existed') await this.serviceLog(row, 'its Job already existed; following it');
    const current = await this.store.getById(row.id);
    if (!current || current.terminate_requested === 1) {
      this.stop(row);
      return false;
    }
    this.watch.follow(row.id, row.node_count);
    return true;
  }

  /** What the watch reports about a followed job, written to its row. */
  private async record(jobId: string, reported: MappedStatus): Promise<void> {
    const f = this.followed.get(jobId);
    if (!f) return;
    // A search's Job is made again for each trial: what was reported before the current trial's Job is stale.
    const status = f.search ? this.watch.status(jobId, f.nodeCount) : reported;
    const exists = this.watch.hasJob(jobId);
    if (exists) f.seen = true;
    const row = await this.store.getById(jobId);
    if (!row || !ACTIVE_PHASES.includes(row.phase) || f.removing || row.terminate_requested === 1) {
      if (exists) {
        if (!f.removing && status.phase !== 'Terminating') this.stop(row ?? ({ id: jobId, node_count: f.nodeCount } as TrainingJobRow));
        return;
      }
      if (f.seen) await this.ended(jobId);
      return;
    }
    if (!exists) {
      if (f.seen) await this.finish(row, 'Failed', status, 'its Job was deleted from the cluster outside Atelier');
      return;
    }
    if (status.phase === 'Completed' || status.phase === 'Failed') {
      if (!f.search) return this.finish(row, status.phase, status, status.reason);
      return this.trialEnded(row, f, f.search, status).catch((err: unknown) => this.fail(row, err));
    }
    const secondary = status.phase === 'Pending' ? 'Queuing' : status.phase === 'Running' ? 'Running' : 'Creating';
    const statuses = JSON.stringify(status.tasks);
    if (row.secondary_phase === secondary && row.task_statuses === statuses) return;
    await this.store.update(jobId, { secondary_phase: secondary, task_statuses: statuses, update_time: this.clock.now() }, ['Running']);
    if (row.secondary_phase !== secondary)
      await this.serviceLog(
        row,
        `${secondary.toLowerCase()}${status.tasks.find((t) => t.message)?.message ? `: ${status.tasks.find((t) => t.message)?.message}` : ''}`,
      );
  }

  /**
   * A trial's Job ended: its reward is read from worker-0's pod log, its result stored, its logs kept, and its Job and
   * Secret deleted; then the next trial's Job is made, or the search ends.
   */
  private async trialEnded(row: TrainingJobRow, f: Followed, search: SearchRun, status: MappedStatus): Promise<void> {
    const { plan } = search;
    const trial = search.trial;
    const exitCode = status.phase === 'Completed' ? 0 : (status.tasks.map((t) => t.exit_code).find((c) => c !== 0) ?? -1);
    const reward = exitCode === 0 ? readReward(await this.workerLog(row), plan.reward.regex) : null;
    search.results.push({ trial, parameters: plan.trials[trial] ?? {}, reward, exit_code: exitCode });
    search.lastTasks = status.tasks;
    await this.store.update(row.id, { search: JSON.stringify({ plan, results: search.results }), update_time: this.clock.now() }, ['Running']);
    await this.collectLogs(row);
    await this.serviceLog(
      row,
      `trial ${trial + 1}: exit ${exitCode}, ${plan.reward.name}=${reward ?? 'not reported'}${status.reason ? ` (${status.reason})` : ''}`,
    );
    await this.kube.client.removeRun(row.id);
    await this.runGone(row.id);
    const current = await this.store.getById(row.id);
    if (this.followed.get(row.id) !== f || this.closed) return;
    if (!current || f.removing || current.terminate_requested === 1) return this.ended(row.id);
    // A replica that could not renew the search's lease in time (stalled, or cut off from the database) has lost it to
    // another, which ends the search: it makes no trial more.
    if (current.phase !== 'Running' || !(await this.ownership.take(row.id))) {
      await this.serviceLog(row, 'no further trial runs here: another replica holds the hyperparameter search now').catch(() => undefined);
      return this.forget(row.id);
    }
    if (trial + 1 < plan.trials.length) {
      search.trial = trial + 1;
      // Until the watch shows the next trial's Job, its absence from the cache is no deletion.
      f.seen = false;
      await this.serviceLog(row, trialStartLine(plan, search.trial));
      await this.makeRun(row);
      return;
    }
    await this.finishSearch(current, f, search);
  }

  /** The end of worker-0's worker log in the cluster ('' when it cannot be read, which the task's log then says). */
  private async workerLog(row: TrainingJobRow): Promise<string> {
    const name = podOfTask(this.watch.podsOf(row.id), 0)?.metadata?.name;
    if (!name) return '';
    return this.kube.client.podLog(name, WORKER_CONTAINER, REWARD_WINDOW).catch(() => '');
  }

  /** Waits until the cache holds neither the job's Job nor its pods (the next trial's must not be mistaken for them). */
  private async runGone(jobId: string): Promise<void> {
    const deadline = Date.now() + RUN_GONE_MS;
    while (this.watch.hasJob(jobId) || this.watch.podsOf(jobId).length > 0) {
      if (Date.now() > deadline) throw new Error(`the Job of the previous trial did not go within ${RUN_GONE_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Every trial ran: the best one's outputs are kept (Completed), or none reported the reward (Failed). */
  private async finishSearch(row: TrainingJobRow, f: Followed, search: SearchRun): Promise<void> {
    const { plan, results } = search;
    const best = bestTrial(results, plan.reward.mode);
    let phase: 'Completed' | 'Failed' = best ? 'Completed' : 'Failed';
    const tasks = search.lastTasks.length > 0 ? [...search.lastTasks] : taskNames(row.node_count).map((task) => ({ task, exit_code: -1, message: '' }));
    tasks[0] = { ...tasks[0]!, message: searchSummary(plan, best) };
    if (best) {
      await this.serviceLog(row, searchSummary(plan, best).replace(/ of \d+:/, ':'));
      try {
        for (const o of await keepBestTrial(this.objects, this.buckets, row, { plan, results, best }))
          await this.serviceLog(row, `kept ${o.copied} file(s) of trial ${best.trial + 1} in output ${o.name}`);
      } catch (err) {
        phase = 'Failed';
        tasks[0] = { ...tasks[0], message: `keeping the best trial's outputs failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    }
    if (phase === 'Failed') await this.dropTrialOutputs(row);
    const now = this.clock.now();
    const done = await this.store.update(row.id, { phase, secondary_phase: phase, end_time: now, update_time: now, task_statuses: JSON.stringify(tasks) }, [
      'Running',
    ]);
    if (done) {
      await this.serviceLog(row, `job ${phase.toLowerCase()}`);
      await exportJobLogs(this.objects, this.buckets, this.logs, row).catch((err: unknown) => this.log.warn({ err, job: row.id }, 'log export failed'));
    }
    f.removing = true;
    await this.kube.client.remove(row.id);
    this.forget(row.id);
  }

  /** A search that does not end Completed leaves no trial's objects behind. */
  private async dropTrialOutputs(row: TrainingJobRow): Promise<void> {
    await dropTrials(this.objects, row).catch((err: unknown) => this.log.warn({ err, job: row.id }, "deleting a search's trial outputs failed"));
  }

  /** Records the end the pods reached and removes the job's objects. */
  private async finish(row: TrainingJobRow, phase: 'Completed' | 'Failed', status: MappedStatus, reason: string | undefined): Promise<void> {
    const now = this.clock.now();
    const done = await this.store.update(
      row.id,
      { phase, secondary_phase: phase, end_time: now, update_time: now, task_statuses: JSON.stringify(status.tasks) },
      ['Running'],
    );
    if (done) {
      // A search's trial Job deleted outside Atelier: none of its trials' outputs stays.
      if (row.search) await this.dropTrialOutputs(row);
      await this.collectLogs(row);
      await this.serviceLog(row, phase === 'Completed' ? 'every node exited 0; outputs uploaded by the pods' : `failed: ${reason ?? 'a node failed'}`);
      await exportJobLogs(this.objects, this.buckets, this.logs, row).catch((err: unknown) => this.log.warn({ err, job: row.id }, 'log export failed'));
    }
    const f = this.followed.get(row.id);
    if (f) f.removing = true;
    await this.kube.client.remove(row.id);
    this.forget(row.id);
  }

  /**
   * Copies each task's pod log (its staging, then its worker) into the task's log before the pods are deleted. A log
   * the kubelet cannot give (its node is gone) is named in the service log instead.
   */
  private async collectLogs(row: TrainingJobRow): Promise<void> {
    const pods = this.watch.podsOf(row.id);
    for (const [index, task] of taskNames(row.node_count).entries()) {
      const name = podOfTask(pods, index)?.metadata?.name;
      if (!name) continue;
      for (const container of [STAGING_INIT_CONTAINER, WORKER_CONTAINER]) {
        try {
          const text = await this.kube.client.podLog(name, container, POD_LOG_LIMIT);
          await this.logs.append(row.id, task, text.endsWith('\n') || text === '' ? text : `${text}\n`);
        } catch (err) {
          await this.serviceLog(row, `the log of ${task} (${container} of pod ${name}) cannot be read: ${podLogFailure(err)}`).catch(() => undefined);
        }
      }
    }
  }

  /** The Job of a stopped or deleted job is gone: Terminated, or its files removed when its row is gone too. */
  private async ended(jobId: string): Promise<void> {
    const row = await this.store.getById(jobId);
    if (!row) await this.removeFiles(jobId);
    else if (row.phase === 'Terminating' || (row.terminate_requested === 1 && row.phase === 'Running')) {
      if (row.search) await this.dropTrialOutputs(row);
      const now = this.clock.now();
      await this.store.update(jobId, { phase: 'Terminated', secondary_phase: 'Terminated', end_time: now, update_time: now }, ACTIVE_PHASES);
      await this.serviceLog(row, 'terminated; its Job was removed from the cluster').catch(() => undefined);
    }
    this.forget(jobId);
  }

  private forget(jobId: string): void {
    const f = this.followed.get(jobId);
    if (!f || !this.followed.delete(jobId)) return;
    if (f.search) void this.ownership.release(jobId);
    this.watch.unfollow(jobId);
    this.sampler?.unfollow(jobId);
    for (const listener of this.releaseListeners) listener();
  }

  private async fail(row: TrainingJobRow, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    await this.serviceLog(row, `failed: ${message}`).catch(() => undefined);
    await this.kube.client.remove(row.id).catch(() => undefined);
    const now = this.clock.now();
    const current = await this.store.getById(row.id);
    const terminated = current?.terminate_requested === 1;
    if (current?.search) await this.dropTrialOutputs(current);
    await this.store.update(
      row.id,
      {
        phase: terminated ? 'Terminated' : 'Failed',
        secondary_phase: terminated ? 'Terminated' : 'Failed',
        end_time: now,
        update_time: now,
        task_statuses: JSON.stringify(taskNames(row.node_count).map((task) => ({ task, exit_code: -1, message }))),
      },
      ACTIVE_PHASES,
    );
    if (!current) await this.removeFiles(row.id);
    this.forget(row.id);
  }
}
