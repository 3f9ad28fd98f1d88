import type { Reconciler, TaskQueue } from '#src/runtime/index.ts';
import { PublishModelTask } from './publish-model-task.ts';
import type { ModelStore } from './store.ts';

/** Models left publishing by a stopped server get their publish task again, once, at start-up. */
export class PublishResumer implements Reconciler {
  readonly name = 'models';
  private resumed = false;

  constructor(
    private readonly store: ModelStore,
    private readonly tasks: TaskQueue,
    private readonly publish: PublishModelTask,
  ) {}

  async reconcile(): Promise<void> {
    if (this.resumed) return;
    this.resumed = true;
    for (const row of await this.store.publishing()) {
      await this.tasks.enqueue(this.publish, { modelId: row.id }, { projectId: row.project_id, dedupeKey: PublishModelTask.dedupeKey(row.id) });
    }
  }
}
