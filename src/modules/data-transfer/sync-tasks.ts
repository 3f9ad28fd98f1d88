// SyncDataSource (#60) and SyncDataSourceState (#61): a sync is recorded QUEUING and its background
// work queued (sync-run.ts); the state is that of the dataset's newest sync.
import { errors } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { TransferDatasets } from './ports.ts';
import type { SyncRunTask } from './sync-run.ts';
import type { SyncDataSourceStateResponse, SyncStatus } from './sync-schemas.ts';
import type { SyncTaskStore } from './sync-store.ts';

export interface SyncTaskDeps {
  store: SyncTaskStore;
  datasets: TransferDatasets;
  buckets: BucketAccess;
  tasks: TaskQueue;
  run: SyncRunTask;
  clock: Clock;
}

export class SyncTasks {
  constructor(private readonly deps: SyncTaskDeps) {}

  async submit(projectId: string, datasetId: string): Promise<void> {
    const dataset = await this.deps.datasets.requireWritable(projectId, datasetId);
    const input = dataset.inputPaths[0];
    if (!input) throw errors.badParam(`dataset ${dataset.id} has no input folder (data_sources[0].data_path) to synchronize from`);
    await this.deps.buckets.check({ projectId }, input, 'data_sources[0].data_path');
    // A sync already waiting covers this request too.
    const newest = await this.deps.store.newest(dataset.id);
    if (newest && newest.status === 'QUEUING' && newest.queue_task_id !== null) return;
    const now = this.deps.clock.now();
    const id = `${dataset.id}_${shortId()}`;
    await this.deps.store.insert({
      id,
      dataset_id: dataset.id,
      project_id: projectId,
      status: 'QUEUING',
      queue_task_id: null,
      add_sample_count: 0,
      deleted_sample_count: 0,
      total_sample_count: 0,
      error_code: null,
      error_msg: null,
      create_time: now,
      update_time: now,
      start_time: null,
      end_time: null,
    });
    const queued = await this.deps.tasks.enqueue(this.deps.run, { syncId: id }, { projectId });
    await this.deps.store.update(id, { queue_task_id: queued });
  }

  async state(projectId: string, datasetId: string): Promise<SyncDataSourceStateResponse> {
    const dataset = await this.deps.datasets.require(projectId, datasetId);
    const r = await this.deps.store.newest(dataset.id);
    if (!r) return { status: 'NOT_EXIST', dataset_id: dataset.id };
    const end = r.end_time ?? (r.start_time !== null ? this.deps.clock.now() : null);
    return {
      task_id: r.id,
      dataset_id: r.dataset_id,
      status: r.status as SyncStatus,
      add_sample_count: r.add_sample_count,
      deleted_sample_count: r.deleted_sample_count,
      total_sample_count: r.total_sample_count,
      create_time: r.create_time,
      duration_time: r.start_time !== null && end !== null ? Math.max(0, end - r.start_time) : 0,
      ...(r.error_code !== null ? { error_code: r.error_code } : {}),
      ...(r.error_msg !== null ? { error_msg: r.error_msg } : {}),
    };
  }
}
