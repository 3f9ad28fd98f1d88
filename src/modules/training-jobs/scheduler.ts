// First come, first served admission, per pool: a job waits for room in the pool it names (its
// dedicated pool, or the public pool when it names none). Within a pool, waiting jobs start in
// creation order while their share (cores and memory of all their nodes, one node of the pool per
// replica) fits next to the running ones; the first that does not fit holds back the later jobs of
// the same pool (so a big job is not overtaken forever by small ones), never those of another pool.
// A job that waits says why, in its task statuses and as an event in its log (queue-reasons.ts),
// and a dedicated pool records queued, placed and ended events.
import { CoalescedPasses } from '#src/core/serial.ts';
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { LocalPool, PoolHolder } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { ReplicaLeases } from '#src/runtime/leases.ts';
import type { ProcessRecord } from './job-launch.ts';
import { taskNames } from './job-layout.ts';
import type { JobExecutor } from './job-executor.ts';
import { behindReason, queueReason } from './queue-reasons.ts';
import { ACTIVE_PHASES, WAITING_PHASES, type TrainingJobStore } from './store.ts';
import type { TrainingJobRow } from './tables.ts';

/**
 * Where replicas share the cluster's pools (pool-ledger.ts): the other replicas' holdings are read right before a pass,
 * and passes take turns among replicas (a lease), so two replicas never admit two jobs into the same free room.
 */
export interface SharedAdmission {
  refresh(): Promise<void>;
  replica: ReplicaLeases;
}

const PASS_LEASE = 'training-scheduler';
/** How long a pass waits for another replica's pass; past it the reconciler's next pass tries again. */
const TURN_WAIT_MS = 3000;

export class JobScheduler {
  private readonly passes = new CoalescedPasses(
    () => this.pass(),
    (err) => this.log.error({ err }, 'training scheduling pass failed'),
  );
  /** Work besides the passes that settled() waits for (failing the queued jobs of a deleted pool). */
  private sideWork: Promise<void> = Promise.resolve();

  constructor(
    private readonly pools: PoolRegistry,
    private readonly store: Pick<TrainingJobStore, 'inPhases' | 'update' | 'getById'>,
    private readonly runner: Pick<JobExecutor, 'onRelease' | 'onProcess' | 'serviceLog' | 'removeFiles' | 'start' | 'admittedPhase'>,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Where jobs that name no pool run, when not on this host's public pool (the Kubernetes cluster's nodes). */
    private readonly sharedPool?: LocalPool,
    private readonly shared?: SharedAdmission,
  ) {
    // Capacity freed by a job's end, or by another workload of any pool (a service instance, a
    // notebook), or a pool that grew, may admit the next waiting job.
    runner.onRelease(() => this.kick());
    pools.onRelease(() => this.kick());
    sharedPool?.onRelease(() => this.kick());
    pools.onRemove((name) => this.track(this.failQueued(name)));
    runner.onProcess((row, pid, running) => {
      const pool = this.poolOf(row);
      if (running) pool?.track(poolKey(row.id), pid);
      else pool?.untrack(poolKey(row.id), pid);
    });
  }

  /** Asks for a scheduling pass; passes never overlap, and a kick during one causes another. */
  kick(): void {
    this.passes.request();
  }

  /** Resolves when no pass is under way. */
  async settled(): Promise<void> {
    await Promise.all([this.passes.settled(), this.sideWork]);
  }

  /** A pass now (or right after the one under way), resolved when passes are done: the reconciler's guarantee. */
  async schedule(): Promise<void> {
    this.passes.request();
    await this.settled();
  }

  /** The pool a job is placed in; undefined when its dedicated pool no longer exists. */
  poolOf(job: Pick<TrainingJobRow, 'pool_name'>): LocalPool | undefined {
    return job.pool_name ? this.pools.get(job.pool_name)?.pool : (this.sharedPool ?? this.pools.publicPool);
  }

  private async pass(): Promise<void> {
    if (!this.shared) return this.admit();
    const { replica } = this.shared;
    const until = Date.now() + TURN_WAIT_MS;
    while (!(await replica.leases.acquire(PASS_LEASE, replica.id, replica.ttlMs))) {
      if (Date.now() >= until) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    try {
      await this.shared.refresh();
      await this.admit();
    } finally {
      await replica.leases.release(PASS_LEASE, replica.id);
    }
  }

  private async admit(): Promise<void> {
    await this.bookRunning();
    // Each pool's queue is separate: the first job that does not fit holds back only its own pool's later jobs.
    const heads = new Map<string, TrainingJobRow>();
    for (const job of await this.store.inPhases(WAITING_PHASES)) {
      const now = this.clock.now();
      const key = poolKey(job.id);
      const pool = this.poolOf(job);
      if (!pool) {
        // Not registered (yet: the pools family restores its pools at start); a removed pool fails its jobs (failQueued).
        await this.queue(job, `Queuing: waiting for resource pool ${job.pool_name ?? ''}, which does not exist now`, now);
        continue;
      }
      const slot = job.pool_name ?? '';
      const head = heads.get(slot);
      if (!head && pool.reserve(key, amountOf(job), holderOf(job), job.node_count)) {
        const secondary = this.runner.admittedPhase ?? 'Running';
        const admitted = await this.store.update(
          job.id,
          { phase: 'Running', secondary_phase: secondary, start_time: now, update_time: now, task_statuses: '[]' },
          WAITING_PHASES,
        );
        if (!admitted) {
          pool.release(key); // terminated or deleted meanwhile
          continue;
        }
        if (job.phase === 'Pending')
          await this.runner.serviceLog(job, `left the queue after ${seconds(now - Number(job.create_time))} s`).catch(() => undefined);
        const nodes =
          pool
            .holdings()
            .find((h) => h.key === key)
            ?.placement.map((p) => p.node) ?? [];
        this.pools.event(job.pool_name, 'Normal', 'JobScheduled', `training job "${job.name}" (${job.id}) placed on ${[...new Set(nodes)].join(', ')}`);
        this.runner.start({ ...job, phase: 'Running', secondary_phase: secondary, start_time: now, update_time: now, task_statuses: '[]' });
        continue;
      }
      const where = this.where(job);
      const shortage = pool.shortage(key, amountOf(job), job.node_count);
      const reason = shortage || !head ? queueReason(job, pool, shortage, where) : behindReason(job, head, where);
      if (!head) heads.set(slot, job);
      await this.queue(job, reason, now);
    }
  }

  /**
   * Training's own share comes from the jobs table (it survives restarts): each running job holds
   * its pool under its own key, booked again in the same pool after a restart, so service
   * instances, notebooks and jobs never take the same cores, and a queued workload can be told
   * who holds them. A holding whose job is no longer running is given back.
   */
  private async bookRunning(): Promise<void> {
    const running = new Set<string>();
    for (const j of await this.store.inPhases(ACTIVE_PHASES)) {
      const key = poolKey(j.id);
      const pool = this.poolOf(j);
      running.add(key);
      if (!pool || pool.has(key)) continue;
      pool.set(key, amountOf(j), holderOf(j), j.node_count);
      // After a restart: the processes it adopted are the ones to measure.
      for (const r of JSON.parse(j.processes) as ProcessRecord[]) pool.track(key, r.pid);
    }
    const pools = [
      { name: undefined as string | undefined, pool: this.sharedPool ?? this.pools.publicPool },
      ...this.pools.list().map((d) => ({ name: d.name, pool: d.pool })),
    ];
    for (const { name, pool } of pools)
      for (const h of pool.ownHoldings()) {
        if (!h.key.startsWith(KEY_PREFIX) || running.has(h.key)) continue;
        pool.release(h.key);
        const nodes = [...new Set(h.placement.map((p) => p.node))].join(', ');
        this.pools.event(name, 'Normal', 'JobEnded', `training job "${h.holder?.name ?? ''}" (${h.key.slice(KEY_PREFIX.length)}) left ${nodes}`);
      }
  }

  /** How a queue reason names the job's pool. */
  private where(job: TrainingJobRow): string | undefined {
    if (!job.pool_name) return undefined;
    const d = this.pools.get(job.pool_name);
    return `resource pool "${d?.displayName ?? job.pool_name}" (${job.pool_name})`;
  }

  /** Puts the job in Pending/Queuing, with why in its task statuses and, when that changed, in its events and its pool's. */
  private async queue(job: TrainingJobRow, reason: string, now: number): Promise<void> {
    const statuses = JSON.stringify(taskNames(job.node_count).map((task) => ({ task, exit_code: QUEUED_EXIT_CODE, message: reason })));
    if (job.phase === 'Pending' && job.task_statuses === statuses) return;
    if (!(await this.store.update(job.id, { phase: 'Pending', secondary_phase: 'Queuing', task_statuses: statuses, update_time: now }, WAITING_PHASES))) return;
    this.pools.event(job.pool_name, 'Warning', 'JobQueued', `training job "${job.name}" (${job.id}): ${reason}`);
    await this.runner.serviceLog(job, reason).catch(() => undefined);
    // Deleted meanwhile: the event must not leave the job's folder behind.
    if (!(await this.store.getById(job.id))) await this.runner.removeFiles(job.id);
  }

  /** The jobs waiting for a dedicated pool that was deleted can never run: they fail, saying so. */
  private async failQueued(poolName: string): Promise<void> {
    const message = `its resource pool ${poolName} was deleted before the job could run`;
    for (const job of await this.store.inPhases(WAITING_PHASES)) {
      if (job.pool_name !== poolName) continue;
      const now = this.clock.now();
      const statuses = JSON.stringify(taskNames(job.node_count).map((task) => ({ task, exit_code: QUEUED_EXIT_CODE, message })));
      const patch = { phase: 'Failed' as const, secondary_phase: 'Failed', task_statuses: statuses, end_time: now, update_time: now };
      if (await this.store.update(job.id, patch, WAITING_PHASES)) await this.runner.serviceLog(job, message).catch(() => undefined);
    }
  }

  private track(work: Promise<void>): void {
    const done = work.catch((err: unknown) => this.log.error({ err }, 'failing the jobs of a deleted pool failed'));
    this.sideWork = this.sideWork.then(() => done);
  }
}

/** The key a training job holds its pool under. */
const KEY_PREFIX = 'training-job:';
export const poolKey = (jobId: string) => `${KEY_PREFIX}${jobId}`;
const amountOf = (j: TrainingJobRow): PoolAmount => ({ cpu: j.cpu, memoryMb: Number(j.memory_mb) });
const holderOf = (j: TrainingJobRow): PoolHolder => ({ kind: 'training job', id: j.id, name: j.name, projectId: j.project_id });
const seconds = (ms: number) => Math.max(0, Math.round(ms / 100) / 10);

/** A queued task has run nothing, so it has no exit code: -1, as for a task that ended without one. */
const QUEUED_EXIT_CODE = -1;
