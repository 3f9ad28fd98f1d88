// Export tasks whose queue task is gone without finishing them (failed for good after a crash, or
// cancelled) end FAILED, so their status tells the truth instead of RUNNING for ever.
import type { Clock } from '#src/core/time.ts';
import type { Reconciler, TaskQueue } from '#src/runtime/index.ts';
import type { ExportTaskStore } from './export-store.ts';

export class ExportReconciler implements Reconciler {
  readonly name = 'data-transfer.exports';

  constructor(
    private readonly store: ExportTaskStore,
    private readonly tasks: TaskQueue,
    private readonly clock: Clock,
  ) {}

  async reconcile(): Promise<void> {
    for (const row of await this.store.unfinished()) {
      if (row.queue_task_id === null) continue;
      const t = await this.tasks.get(row.queue_task_id);
      if (t && t.status !== 'failed' && t.status !== 'cancelled' && t.status !== 'succeeded') continue;
      const reason = t?.last_error ? `the export stopped: ${t.last_error}` : 'the export ended without finishing';
      await this.store.finishIfUnfinished(row.id, {
        status: 'FAILED',
        error_code: 'ModelArts.4710',
        error_msg: reason.slice(0, 2000),
        update_time: this.clock.now(),
      });
    }
  }
}
