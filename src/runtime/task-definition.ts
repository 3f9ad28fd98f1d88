import type { Static, TSchema } from 'typebox';

export interface TaskContext {
  taskId: string;
  /** 1 for the first run. */
  attempt: number;
  /** Aborted when the lease is lost, the task is cancelled or the worker stops. */
  signal: AbortSignal;
  /** Extends the lease now (the worker also does so on a timer while the task runs). */
  heartbeat(): Promise<void>;
}

/** A named class of background work: the same code runs in the API process or a worker process. */
export interface TaskDefinition<S extends TSchema = TSchema> {
  name: string;
  payload: S;
  /** Runs before the task ends failed (default 3). */
  maxAttempts?: number;
  run(payload: Static<S>, ctx: TaskContext): Promise<unknown>;
}

export function defineTask<S extends TSchema>(def: TaskDefinition<S>): TaskDefinition<S> {
  return def;
}
