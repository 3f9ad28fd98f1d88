import { sql, type ExpressionBuilder } from 'kysely';
import { hexId } from '#src/core/ids.ts';
import { systemClock, type Clock } from '#src/core/time.ts';
import type { Database } from '#src/db/database.ts';
import type { Tables } from '#src/db/tables.ts';
import type { TaskContext, TaskDefinition } from './task-definition.ts';
import type { TaskRow } from './task-tables.ts';
import { silentLogger, type Logger } from './logger.ts';

export interface TaskWorkerOptions {
  database: Database;
  definitions: TaskDefinition[];
  workerId?: string;
  /** Tasks run at once by this worker (default 2). */
  concurrency?: number;
  /** How often to look for due tasks when idle, ms (default 500). */
  pollIntervalMs?: number;
  /** How long a claim lasts without a heartbeat, ms (default 30 s); heartbeats come every third of it. */
  leaseMs?: number;
  /** First retry delay, doubled per attempt up to a minute (default 1 s). */
  retryBaseMs?: number;
  clock?: Clock;
  logger?: Logger;
}

const STOPPING = 'worker stopping';

/**
 * Takes due tasks under a lease, runs them, keeps the lease alive with heartbeats and records the
 * outcome. A task whose worker died is taken again once its lease expires. Every write about a
 * running task is guarded by (owner, status), so a worker that lost its lease changes nothing.
 */
export class TaskWorker {
  readonly workerId: string;
  private readonly defs: Map<string, TaskDefinition>;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly retryBaseMs: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly opts: TaskWorkerOptions) {
    this.workerId = opts.workerId ?? `worker-${hexId().slice(0, 12)}`;
    this.defs = new Map(opts.definitions.map((d) => [d.name, d]));
    this.concurrency = opts.concurrency ?? 2;
    this.pollMs = opts.pollIntervalMs ?? 500;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.retryBaseMs = opts.retryBaseMs ?? 1000;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? silentLogger;
  }

  private get db() {
    return this.opts.database.db;
  }

  /** Adds a task class; the worker claims tasks of the classes it knows. */
  register(def: TaskDefinition): void {
    this.defs.set(def.name, def);
    this.notify();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.pump();
  }

  /** Looks for work now instead of at the next poll (e.g. right after an enqueue). */
  notify(): void {
    this.wakeUp?.();
  }

  /** Aborts running handlers, hands their tasks back to the queue and waits for them. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const { controller } of this.active.values()) controller.abort(new Error(STOPPING));
    this.notify();
    await this.loop;
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      while (!this.stopped && this.active.size < this.concurrency) {
        let row: TaskRow | undefined;
        try {
          row = await this.claim();
        } catch (err) {
          this.log.error({ err }, 'claiming a task failed');
        }
        if (!row) break;
        if (this.stopped) {
          // Claimed while stop() ran: stop no longer aborts new work, so hand it back untouched.
          await this.guarded(row.id, {
            status: 'queued',
            lease_owner: null,
            lease_expires_at: null,
            attempts: row.attempts - 1,
            run_at: this.clock.now(),
          }).catch((err: unknown) => this.log.error({ err, task: row.id }, 'handing back a task failed'));
          break;
        }
        this.launch(row);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private launch(row: TaskRow): void {
    const controller = new AbortController();
    const done = this.execute(row, controller)
      .catch((err: unknown) => this.log.error({ err, task: row.id }, 'task bookkeeping failed'))
      .finally(() => {
        this.active.delete(row.id);
        this.notify();
      });
    this.active.set(row.id, { controller, done });
  }

  /** Due: queued and its time has come, or running under a lease that has expired. */
  private due(now: number) {
    const names = [...this.defs.keys()];
    return (eb: ExpressionBuilder<Tables, 'tasks'>) =>
      eb.and([
        eb('name', 'in', names),
        eb.or([eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]), eb.and([eb('status', '=', 'running'), eb('lease_expires_at', '<', now)])]),
      ]);
  }

  private async claim(): Promise<TaskRow | undefined> {
    if (this.defs.size === 0) return undefined;
    const now = this.clock.now();
    const claimed = {
      status: 'running' as const,
      lease_owner: this.workerId,
      lease_expires_at: now + this.leaseMs,
      heartbeat_at: now,
      attempts: sql<number>`attempts + 1`,
      updated_at: now,
    };
    if (this.opts.database.dialect === 'postgres') {
      // Replicas share the table: SKIP LOCKED lets each take a different row without waiting.
      return this.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('tasks').select('id').where(this.due(now)).orderBy('run_at').limit(1).forUpdate().skipLocked().executeTakeFirst();
        if (!row) return undefined;
        return trx.updateTable('tasks').set(claimed).where('id', '=', row.id).returningAll().executeTakeFirst();
      });
    }
    // SQLite runs one statement at a time, so select-and-update in one UPDATE is atomic.
    return this.db
      .updateTable('tasks')
      .set(claimed)
      .where('id', '=', (eb) => eb.selectFrom('tasks').select('id').where(this.due(now)).orderBy('run_at').limit(1))
      .returningAll()
      .executeTakeFirst();
  }

  /** An update of a task this worker still holds; false when the lease was lost or the task cancelled. */
  private async guarded(id: string, values: Partial<Omit<TaskRow, 'id'>>): Promise<boolean> {
    const r = await this.db
      .updateTable('tasks')
      .set({ ...values, updated_at: this.clock.now() })
      .where('id', '=', id)
      .where('lease_owner', '=', this.workerId)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  private async execute(row: TaskRow, controller: AbortController): Promise<void> {
    const def = this.defs.get(row.name)!;
    if (row.attempts > row.max_attempts) {
      await this.guarded(row.id, {
        status: 'failed',
        lease_owner: null,
        lease_expires_at: null,
        last_error: row.last_error ?? 'its worker stopped responding too often',
      });
      return;
    }
    const heartbeat = async (): Promise<void> => {
      const now = this.clock.now();
      if (!(await this.guarded(row.id, { lease_expires_at: now + this.leaseMs, heartbeat_at: now }))) {
        controller.abort(new Error('lease lost or task cancelled'));
      }
    };
    const timer = setInterval(
      () => {
        heartbeat().catch((err: unknown) => this.log.warn({ err, task: row.id }, 'heartbeat failed'));
      },
      Math.max(10, Math.floor(this.leaseMs / 3)),
    );
    const ctx: TaskContext = { taskId: row.id, attempt: row.attempts, signal: controller.signal, heartbeat };
    try {
      const result = await def.run(JSON.parse(row.payload) as never, ctx);
      if (controller.signal.aborted) throw controller.signal.reason;
      await this.guarded(row.id, {
        status: 'succeeded',
        lease_owner: null,
        lease_expires_at: null,
        result: result === undefined ? null : JSON.stringify(result),
        last_error: null,
      });
    } catch (err) {
      const reason = controller.signal.aborted ? controller.signal.reason : err;
      const message = reason instanceof Error ? reason.message : String(reason);
      if (this.stopped && message === STOPPING) {
        // A graceful stop is not the task's fault: hand it back without counting the attempt.
        await this.guarded(row.id, { status: 'queued', lease_owner: null, lease_expires_at: null, attempts: row.attempts - 1, run_at: this.clock.now() });
        return;
      }
      if (controller.signal.aborted) return; // someone else owns it now, or it was cancelled
      const retry = row.attempts < row.max_attempts;
      this.log.warn({ task: row.id, name: row.name, attempt: row.attempts, err: message }, retry ? 'task failed, will retry' : 'task failed');
      await this.guarded(row.id, {
        status: retry ? 'queued' : 'failed',
        lease_owner: null,
        lease_expires_at: null,
        last_error: message.slice(0, 4000),
        ...(retry ? { run_at: this.clock.now() + Math.min(this.retryBaseMs * 2 ** (row.attempts - 1), 60_000) } : {}),
      });
    } finally {
      clearInterval(timer);
    }
  }
}
