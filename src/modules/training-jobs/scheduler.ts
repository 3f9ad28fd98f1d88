// First come, first served admission into the local pool: waiting jobs start in creation order while
// their share (cores and memory of all their nodes) fits next to the running ones; the first that
// does not fit holds the others back, so a big job is not overtaken forever by small ones. A job
// that waits says why, in its task statuses and as an event in its log (queue-reasons.ts).
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { LocalPool, PoolHolder } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { taskNames } from './job-layout.ts';
import type { JobRunner } from './job-runner.ts';
import { behindReason, queueReason } from './queue-reasons.ts';
import { ACTIVE_PHASES, WAITING_PHASES, type TrainingJobStore } from './store.ts';
import type { TrainingJobRow } from './tables.ts';
import type { TrainingRuntime } from './training-runtime.ts';

export class JobScheduler {
  private running = false;
  private again = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: TrainingRuntime,
    private readonly pool: LocalPool,
    private readonly store: TrainingJobStore,
    private readonly runner: JobRunner,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    // Capacity freed by a job's end, or by another workload of the pool (a service instance), may
    // admit the next waiting job.
    runner.onRelease(() => this.kick());
    pool.onRelease(() => this.kick());
  }

  /** Asks for a scheduling pass; passes never overlap, and a kick during one causes another. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.idle = this.loop();
  }

  /** Resolves when no pass is under way. */
  settled(): Promise<void> {
    return this.idle;
  }

  /** A pass now (or right after the one under way), resolved when passes are done: the reconciler's guarantee. */
  async schedule(): Promise<void> {
    this.kick();
    await this.idle;
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.log.error({ err }, 'training scheduling pass failed');
        }
      } while (this.again);
    } finally {
      this.running = false;
    }
  }

  private async pass(): Promise<void> {
    // Training's own share comes from the jobs table (it survives restarts): the shared pool holds
    // each running job under its own key, so service instances and jobs never take the same cores,
    // and a queued workload can be told who holds them.
    const running = new Set<string>();
    for (const j of await this.store.inPhases(ACTIVE_PHASES)) {
      running.add(poolKey(j.id));
      this.pool.set(poolKey(j.id), amountOf(j), holderOf(j));
    }
    for (const h of this.pool.holdings()) if (h.key.startsWith(KEY_PREFIX) && !running.has(h.key)) this.pool.release(h.key);
    let first: TrainingJobRow | undefined;
    for (const job of await this.store.inPhases(WAITING_PHASES)) {
      const now = this.clock.now();
      const key = poolKey(job.id);
      if (!first && this.pool.reserve(key, amountOf(job), holderOf(job))) {
        const admitted = await this.store.update(
          job.id,
          { phase: 'Running', secondary_phase: 'Running', start_time: now, update_time: now, task_statuses: '[]' },
          WAITING_PHASES,
        );
        if (!admitted) {
          this.pool.release(key); // terminated or deleted meanwhile
          continue;
        }
        if (job.phase === 'Pending')
          await this.runner.serviceLog(job, `left the queue after ${seconds(now - Number(job.create_time))} s`).catch(() => undefined);
        this.runner.start({ ...job, phase: 'Running', secondary_phase: 'Running', start_time: now, update_time: now, task_statuses: '[]' });
        continue;
      }
      // First come, first served: the first job that does not fit holds back the ones after it.
      const shortage = this.pool.shortage(key, amountOf(job));
      const reason = shortage || !first ? queueReason(job, this.pool, shortage) : behindReason(job, first);
      first ??= job;
      await this.queue(job, reason, now);
    }
  }

  /** Puts the job in Pending/Queuing, with why in its task statuses and, when that changed, in its events. */
  private async queue(job: TrainingJobRow, reason: string, now: number): Promise<void> {
    const statuses = JSON.stringify(taskNames(job.node_count).map((task) => ({ task, exit_code: QUEUED_EXIT_CODE, message: reason })));
    if (job.phase === 'Pending' && job.task_statuses === statuses) return;
    if (!(await this.store.update(job.id, { phase: 'Pending', secondary_phase: 'Queuing', task_statuses: statuses, update_time: now }, WAITING_PHASES))) return;
    await this.runner.serviceLog(job, reason).catch(() => undefined);
    // Deleted meanwhile: the event must not leave the job's folder behind.
    if (!(await this.store.getById(job.id))) await this.runner.removeFiles(job.id);
  }
}

/** The key a training job holds the shared pool under. */
const KEY_PREFIX = 'training-job:';
const poolKey = (jobId: string) => `${KEY_PREFIX}${jobId}`;
const amountOf = (j: TrainingJobRow): PoolAmount => ({ cpu: j.cpu, memoryMb: Number(j.memory_mb) });
const holderOf = (j: TrainingJobRow): PoolHolder => ({ kind: 'training job', id: j.id, name: j.name, projectId: j.project_id });
const seconds = (ms: number) => Math.max(0, Math.round(ms / 100) / 10);

/** A queued task has run nothing, so it has no exit code: -1, as for a task that ended without one. */
const QUEUED_EXIT_CODE = -1;
