// Import and sync tasks whose background task is gone without finishing them (failed for good, or
// cancelled) end FAILED, so their status tells the truth and the next task of the dataset gets its turn.
import type { Db } from '#src/db/database.ts';
import type { Clock } from '#src/core/time.ts';
import type { Reconciler, TaskQueue } from '#src/runtime/index.ts';

const REASON = 'the background task ended without finishing it';

export class TransferReconciler implements Reconciler {
  readonly name = 'data-transfer';

  constructor(
    private readonly db: Db,
    private readonly tasks: TaskQueue,
    private readonly clock: Clock,
  ) {}

  private async ended(taskId: string): Promise<boolean> {
    const t = await this.tasks.get(taskId);
    return !t || t.status === 'failed' || t.status === 'cancelled' || t.status === 'succeeded';
  }

  async reconcile(): Promise<void> {
    for (const table of ['dataset_import_tasks', 'dataset_sync_tasks'] as const) {
      const rows = await this.db
        .selectFrom(table)
        .select(['id', 'queue_task_id'])
        .where('status', 'in', ['QUEUING', 'RUNNING'])
        .where('queue_task_id', 'is not', null)
        .execute();
      for (const r of rows) {
        if (!(await this.ended(r.queue_task_id!))) continue;
        const now = this.clock.now();
        await this.db
          .updateTable(table)
          .set({ status: 'FAILED', error_code: 'ModelArts.4921', error_msg: REASON, end_time: now, update_time: now })
          .where('id', '=', r.id)
          .where('status', 'in', ['QUEUING', 'RUNNING'])
          .execute();
      }
    }
  }
}
