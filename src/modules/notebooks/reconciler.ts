import type { Reconciler } from '#src/runtime/reconciler.ts';
import type { Clock } from '#src/core/time.ts';
import type { NotebookEngine } from './engine.ts';
import type { NotebookStore } from './store.ts';

/**
 * After a restart (and periodically): a RUNNING or SNAPSHOTTING instance whose Jupyter still lives is adopted; one
 * whose Jupyter is gone, or one caught mid-start, starts again (its lease keeps counting from when
 * it began); one caught stopping or deleting finishes that. Nothing stays RUNNING with nothing behind it.
 */
export class NotebookReconciler implements Reconciler {
  readonly name = 'notebooks';

  constructor(
    private readonly store: NotebookStore,
    private readonly engine: NotebookEngine,
    private readonly clock: Clock,
  ) {}

  async reconcile(): Promise<void> {
    await this.engine.prepare();
    for (const found of await this.store.inStatus(['RUNNING', 'SNAPSHOTTING', 'CREATING', 'STARTING', 'STOPPING', 'DELETING', 'INIT'])) {
      // An instance whose image was saved (or failed) while the server was down is RUNNING again.
      const row = await this.engine.settle(found);
      if (this.engine.isRunning(row.id) || this.engine.busy(row.id)) continue;
      // A SNAPSHOTTING instance's Jupyter runs as a RUNNING one's does; the image's copy is a task of its own.
      if (row.status === 'RUNNING' || row.status === 'SNAPSHOTTING') {
        if (this.engine.adopt(row)) continue;
        await this.store.update(row.id, { snapshot_image_id: null });
        await this.engine.event(row.id, 'STARTING', 'its Jupyter Server was gone after a restart: starting it again');
        await this.restart(row.id, false);
      } else if (row.status === 'INIT' || row.status === 'CREATING' || row.status === 'STARTING') {
        await this.engine.kill(row.id);
        await this.restart(row.id, row.status !== 'STARTING');
      } else if (row.status === 'STOPPING') {
        await this.engine.stop(row.id, 'a stop interrupted by a restart, finished');
      } else if (row.status === 'DELETING') {
        await this.engine.kill(row.id);
        this.engine.release(row.id);
        await this.engine.removeFiles(row.id);
        await this.store.delete(row.id);
      }
    }
  }

  private async restart(id: string, first: boolean): Promise<void> {
    const row = await this.store.getById(id);
    if (!row) return;
    if (!this.engine.reserve(row)) {
      // A dedicated pool without room (or not restored yet) keeps the instance waiting in its starting state.
      if (row.pool_name) {
        const status = first ? 'CREATING' : 'STARTING';
        await this.store.update(id, { status, update_at: this.clock.now() });
        await this.engine.waitForPool({ ...row, status }, first);
        return;
      }
      await this.store.update(id, {
        status: first ? 'CREATE_FAILED' : 'START_FAILED',
        fail_reason: 'its flavor no longer fits in the local pool',
        update_at: this.clock.now(),
      });
      return;
    }
    await this.store.update(id, { status: 'STARTING', update_at: this.clock.now() });
    this.engine.startInBackground(id, first);
  }
}
