// Export tasks (#57-#59): a request is checked (the dataset, the target folder's bucket and place, the
// layout for the dataset type, the sample choice), recorded, and handed to the task queue; the
// status answers from the record the task keeps up to date.
import { apiError } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import { pageStart } from '#src/core/start-page.ts';
import type { Clock } from '#src/core/time.ts';
import { checkExportable } from '#src/formats/export-writer.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { formatObsPath, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { exportChoices, type ExportChoices } from './export-choices.ts';
import type { ExportDatasets, ExportSamples } from './export-ports.ts';
import type { ExportTaskDefinition } from './export-run.ts';
import type { ExportStatus, ExportTaskRequest, ExportTaskStatusResp, ListExportTasksQuery, ListExportTasksResponse } from './export-schemas.ts';
import type { ExportTaskStore } from './export-store.ts';
import type { ExportTaskRow } from './export-tables.ts';

export interface ExportTasksDeps {
  store: ExportTaskStore;
  datasets: ExportDatasets;
  samples: ExportSamples;
  buckets: BucketAccess;
  tasks: TaskQueue;
  definition: ExportTaskDefinition;
  clock: Clock;
}

const TEXT_CLASSIFICATION = 100;
const OBJECT_DETECTION = 1;
const invalidFormat = (detail: string) => apiError(400, 'ModelArts.4384', `(${detail})`);

const badPath = (detail: string) => apiError(400, 'ModelArts.4358', `(path: ${detail})`);

const asFolder = (p: ObjectPath): ObjectPath => ({ bucket: p.bucket, key: p.key === '' || p.key.endsWith('/') ? p.key : `${p.key}/` });

/** Whether folder `inner` is `outer` or lies under it. */
const within = (inner: ObjectPath, outer: ObjectPath): boolean => inner.bucket === outer.bucket && inner.key.startsWith(outer.key);

export function exportTaskView(r: ExportTaskRow): ExportTaskStatusResp {
  const choices = JSON.parse(r.request) as ExportChoices;
  const progress = r.status === 'SUCCESSED' ? 100 : r.total_sample_count > 0 ? Math.min(100, (100 * r.finished_sample_count) / r.total_sample_count) : 0;
  return {
    task_id: r.id,
    path: r.path,
    export_type: r.export_type as ExportTaskStatusResp['export_type'],
    ...(r.export_format !== null ? { export_format: r.export_format as 1 | 2 } : {}),
    version_format: 'Default',
    ...(r.version_id !== null ? { version_id: r.version_id } : {}),
    export_params: choices.params,
    status: r.status as ExportStatus,
    progress: Math.round(progress * 100) / 100,
    total_sample_count: r.total_sample_count,
    finished_sample_count: r.finished_sample_count,
    ...(r.error_code !== null ? { error_code: r.error_code } : {}),
    ...(r.error_msg !== null ? { error_msg: r.error_msg } : {}),
    create_time: r.create_time,
    update_time: r.update_time,
  };
}

export class ExportTasks {
  constructor(private readonly deps: ExportTasksDeps) {}

  async create(projectId: string, datasetId: string, body: ExportTaskRequest): Promise<ExportTaskStatusResp> {
    const { store, clock } = this.deps;
    const dataset = await this.deps.datasets.require(projectId, datasetId);
    if (body.path === undefined || body.path.trim() === '') throw badPath('required: the OBS folder to export to');
    const target = asFolder(parseObsPath(body.path, 'path'));
    if (target.key === '') throw badPath('name a folder inside the bucket, /bucket/dir/');
    const input = dataset.inputPaths.map(asFolder).find((p) => within(target, p));
    if (input) throw badPath(`${formatObsPath(target)} lies inside the dataset's input ${formatObsPath(input)}`);
    await this.deps.buckets.check({ projectId }, target, 'path', 'write');
    const choices = exportChoices(body);
    if ((body.export_format !== undefined || choices.newDataset) && dataset.info.type !== TEXT_CLASSIFICATION) checkExportable(dataset.info);
    if (choices.coco && dataset.info.type !== OBJECT_DETECTION) throw invalidFormat('annotation_format: COCO is for object detection datasets');
    if (choices.coco && choices.newDataset) throw invalidFormat('annotation_format: COCO cannot make a new dataset (its input scan reads VOC files)');
    if (choices.newDataset) {
      const work = asFolder(parseObsPath(choices.newDataset.workPath, 'export_params.export_new_dataset_work_path'));
      if (within(work, target) || within(target, work)) throw badPath(`${formatObsPath(work)}: the new dataset's output cannot be its input or hold it`);
      await this.deps.buckets.check({ projectId }, work, 'export_params.export_new_dataset_work_path', 'write');
    }
    if (body.version_id !== undefined) await this.deps.datasets.versionManifest(projectId, dataset.id, body.version_id);
    // The conditions are checked now, so a bad one is refused before anything is recorded.
    else await this.deps.samples.select(dataset.id, choices.selection, 'body.export_params');

    const now = clock.now();
    const row: ExportTaskRow = {
      id: uuid(),
      dataset_id: dataset.id,
      project_id: projectId,
      status: 'INIT',
      path: formatObsPath(target),
      export_type: body.export_type ?? 2,
      // A new dataset reads its samples from files: without a layout asked for, they are written as tiles.
      export_format: body.export_format ?? (choices.newDataset || choices.coco ? 2 : null),
      version_id: body.version_id ?? null,
      request: JSON.stringify(choices),
      queue_task_id: null,
      total_sample_count: 0,
      finished_sample_count: 0,
      error_code: null,
      error_msg: null,
      create_time: now,
      update_time: now,
    };
    await store.insert(row);
    const queued = await this.deps.tasks.enqueue(this.deps.definition, { exportTaskId: row.id }, { projectId });
    await store.update(row.id, { queue_task_id: queued });
    return exportTaskView({ ...row, queue_task_id: queued });
  }

  async list(projectId: string, datasetId: string, q: ListExportTasksQuery): Promise<ListExportTasksResponse> {
    const dataset = await this.deps.datasets.require(projectId, datasetId);
    const [total, rows] = await Promise.all([
      this.deps.store.count(dataset.id, q.export_type),
      this.deps.store.page(dataset.id, q.limit, pageStart(q.offset, q.limit), q.export_type),
    ]);
    return { total_count: total, export_tasks: rows.map(exportTaskView) };
  }

  async describe(projectId: string, datasetId: string, taskId: string): Promise<ExportTaskStatusResp> {
    const dataset = await this.deps.datasets.require(projectId, datasetId);
    const row = await this.deps.store.get(dataset.id, taskId);
    if (!row) throw apiError(400, 'ModelArts.4359', `(export task ${taskId} of dataset ${dataset.id})`);
    return exportTaskView(row);
  }
}
