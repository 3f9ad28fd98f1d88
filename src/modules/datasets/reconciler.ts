// Brings datasets left mid-way by a crash or a lost task back to a state that tells the truth:
// a scan that is gone (dataset creating) is re-queued or the dataset marked abnormal, a publish that
// is gone ends its version in error, a half-done deletion is finished.
import type { Clock } from '#src/core/time.ts';
import type { Reconciler, TaskQueue } from '#src/runtime/index.ts';
import { DatasetStatus } from './dataset-directory.ts';
import { failVersion } from './publish-task.ts';
import type { DatasetImportsPort } from './import-port.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import { ScanInputTask } from './scan-task.ts';
import type { DatasetStore } from './store.ts';

/** A dataset younger than this may still be in its create request, before its scan is queued. */
const CREATE_GRACE_MS = 60_000;

export interface DatasetReconcilerDeps {
  store: DatasetStore;
  samples: Pick<DatasetSamplesPort, 'dropVersion'>;
  imports: Pick<DatasetImportsPort, 'abandoned'>;
  tasks: TaskQueue;
  scan: ScanInputTask;
  clock: Clock;
}

export class DatasetReconciler implements Reconciler {
  readonly name = 'datasets';

  constructor(private readonly deps: DatasetReconcilerDeps) {}

  private async ended(taskId: string | null): Promise<boolean> {
    if (!taskId) return true;
    const t = await this.deps.tasks.get(taskId);
    return !t || t.status === 'failed' || t.status === 'cancelled' || t.status === 'succeeded';
  }

  async reconcile(): Promise<void> {
    const { store, tasks, clock } = this.deps;
    const rows = await store.inStatus([DatasetStatus.creating, DatasetStatus.releasing, DatasetStatus.deleting]);
    for (const row of rows) {
      const now = clock.now();
      if (row.status === DatasetStatus.deleting) {
        if (row.update_time > now - CREATE_GRACE_MS) continue; // a delete request may be at work
        for (const id of await store.allVersionIds(row.id)) await this.deps.samples.dropVersion(id);
        await store.delete(row.id);
      } else if (row.status === DatasetStatus.creating) {
        if (row.scan_task_id === null) {
          if (row.create_time > now - CREATE_GRACE_MS) continue;
          const taskId = await tasks.enqueue(this.deps.scan, { datasetId: row.id }, { projectId: row.project_id, dedupeKey: ScanInputTask.dedupeKey(row.id) });
          await store.update(row.id, { scan_task_id: taskId });
        } else if (await this.ended(row.scan_task_id)) {
          await store.changeStatus(row.id, [DatasetStatus.creating], DatasetStatus.abnormal, { update_time: now });
          if (row.import_task_id) await this.deps.imports.abandoned(row.import_task_id, 'the import task ended without finishing the import');
        }
      } else {
        const creating = await store.creatingVersions(row.id);
        for (const v of creating) {
          if (v.task_id === null && v.create_time > now - CREATE_GRACE_MS) continue;
          if (await this.ended(v.task_id)) await failVersion(store, clock, v, 'the publishing task ended without finishing the version');
        }
        if (creating.length === 0) await store.changeStatus(row.id, [DatasetStatus.releasing], DatasetStatus.normal, { update_time: now });
      }
    }
  }
}
