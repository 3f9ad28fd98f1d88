// First come, first served admission into the local pool: waiting jobs start in creation order while
// their share (cores and memory of all their nodes) fits next to the running ones; the first that
// does not fit holds the others back, so a big job is not overtaken forever by small ones.
import type { Clock } from '#src/core/time.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { JobRunner } from './job-runner.ts';
import { ACTIVE_PHASES, WAITING_PHASES, type TrainingJobStore } from './store.ts';
import type { TrainingRuntime } from './training-runtime.ts';

/** The key training's jobs hold the shared pool under. */
const POOL_KEY = 'training';

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
    // Training's own share comes from the jobs table (it survives restarts); the shared pool holds
    // it under one key, so service instances and jobs never take the same cores.
    let used = { cpu: 0, memoryMb: 0 };
    for (const j of await this.store.inPhases(ACTIVE_PHASES)) {
      used = { cpu: used.cpu + j.cpu, memoryMb: used.memoryMb + Number(j.memory_mb) };
    }
    this.pool.set(POOL_KEY, used);
    let blocked = false;
    for (const job of await this.store.inPhases(WAITING_PHASES)) {
      const now = this.clock.now();
      const withJob = { cpu: used.cpu + job.cpu, memoryMb: used.memoryMb + Number(job.memory_mb) };
      if (!blocked && this.pool.reserve(POOL_KEY, withJob)) {
        const admitted = await this.store.update(job.id, { phase: 'Running', secondary_phase: 'Running', start_time: now, update_time: now }, WAITING_PHASES);
        if (!admitted) {
          this.pool.set(POOL_KEY, used); // terminated or deleted meanwhile
          continue;
        }
        used = withJob;
        this.runner.start({ ...job, phase: 'Running', secondary_phase: 'Running', start_time: now, update_time: now });
        continue;
      }
      blocked = true;
      if (job.phase === 'Creating') await this.store.update(job.id, { phase: 'Pending', secondary_phase: 'Queuing', update_time: now }, ['Creating']);
    }
  }
}
