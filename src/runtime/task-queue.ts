import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { Db } from '#src/db/database.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import type { TaskDefinition } from './task-definition.ts';
import type { TaskRow } from './task-tables.ts';

export interface EnqueueOptions {
  /** Not before this time (epoch ms). */
  runAt?: number;
  /** While a task with this key is queued or running, enqueueing another returns the existing id. */
  dedupeKey?: string;
  projectId?: string;
  maxAttempts?: number;
}

export class TaskPayloadError extends Error {}

/** The durable queue: tasks are rows, taken by TaskWorkers under a lease. */
export class TaskQueue {
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Called after every enqueue, so an in-process worker can start at once instead of at its next poll. */
  onEnqueue(listener: () => void): void {
    this.listeners.push(listener);
  }

  async enqueue<S extends TSchema>(def: TaskDefinition<S>, payload: Static<S>, opts: EnqueueOptions = {}): Promise<string> {
    if (!Value.Check(def.payload, payload)) {
      const first = [...Value.Errors(def.payload, payload)][0];
      throw new TaskPayloadError(`payload of task ${def.name} is invalid: ${first ? `${first.instancePath} ${first.message}` : ''}`);
    }
    const now = this.clock.now();
    const id = uuid();
    try {
      await this.db
        .insertInto('tasks')
        .values({
          id,
          name: def.name,
          payload: JSON.stringify(payload),
          status: 'queued',
          attempts: 0,
          max_attempts: opts.maxAttempts ?? def.maxAttempts ?? 3,
          run_at: opts.runAt ?? now,
          lease_owner: null,
          lease_expires_at: null,
          heartbeat_at: null,
          last_error: null,
          result: null,
          dedupe_key: opts.dedupeKey ?? null,
          project_id: opts.projectId ?? null,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (e) {
      if (opts.dedupeKey !== undefined && isUniqueViolation(e)) {
        const existing = await this.unfinishedByKey(opts.dedupeKey);
        if (existing) return existing.id;
      }
      throw e;
    }
    for (const l of this.listeners) l();
    return id;
  }

  private unfinishedByKey(key: string) {
    return this.db.selectFrom('tasks').select('id').where('dedupe_key', '=', key).where('status', 'in', ['queued', 'running']).executeTakeFirst();
  }

  get(id: string): Promise<TaskRow | undefined> {
    return this.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Cancels a queued or running task; a running one is aborted at its next heartbeat. */
  async cancel(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('tasks')
      .set({ status: 'cancelled', lease_owner: null, lease_expires_at: null, updated_at: this.clock.now() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
