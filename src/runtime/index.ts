export { defineTask, type TaskContext, type TaskDefinition } from './task-definition.ts';
export { TaskQueue, TaskPayloadError, type EnqueueOptions } from './task-queue.ts';
export { TaskWorker, type TaskWorkerOptions } from './task-worker.ts';
export { ReconcilerLoop, reconcilerLease, type Reconciler, type ReconcilerLeasing } from './reconciler.ts';
export type { TaskRow, TaskStatus } from './task-tables.ts';
export { LeaseStore } from './leases.ts';
export type { LeaseRow } from './lease-tables.ts';
