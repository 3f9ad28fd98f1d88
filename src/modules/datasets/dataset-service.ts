import type { Principal } from '#src/auth/principal.ts';
import { apiError, errors } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { textLabelLayout } from '#src/formats/label-format.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, parseObsPath } from '#src/storage/obs-path.ts';
import { DatasetStatus, toRecord } from './dataset-directory.ts';
import { datasetErrors } from './errors.ts';
import { checkWorkOutsideInput, parseFolder, parseWorkPath } from './dataset-paths.ts';
import { datasetTypes } from '#src/formats/dataset-types.ts';
import { pageStart } from '#src/core/start-page.ts';
import { datasetView, typeInfo, type StoredDataSource } from './dataset-view.ts';
import type { DatasetImportsPort } from './import-port.ts';
import type { LabelChanges, LabelChangeSet } from './label-changes.ts';
import { checkNewLabels } from './label-rules.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import type { SamplePreview } from './dataset-preview.ts';
import { ScanInputTask } from './scan-task.ts';
import type { CreateDatasetRequest, DatasetResponse, DescDatasetQuery, ListDatasetsQuery, UpdateDatasetRequest } from './schemas.ts';
import type { DatasetFilter, DatasetStore } from './store.ts';
import type { DatasetRow } from './tables.ts';
import { VERSION_FORMATS, VersionStatus } from './version-schemas.ts';

/** Dataset types whose data can be exported (support_export): image classification, object detection, free format. */
const EXPORTABLE_TYPES = [0, 1, 900] as const;
/** running_task_type 6: version publishing. The input scan is the dataset's initialization task. */
const PUBLISHING_TASK_TYPE = 6;
const TABLE_TYPE = 400;
const TEXT_TYPES: readonly number[] = [100, 101, 102];

/** Samples the list shows per dataset with file_preview (the spec: four). */
const PREVIEW_COUNT = 4;

export interface DatasetServiceDeps {
  store: DatasetStore;
  samples: DatasetSamplesPort;
  labels: LabelChanges;
  preview: SamplePreview;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  tasks: TaskQueue;
  scan: ScanInputTask;
  imports: DatasetImportsPort;
  clock: Clock;
}

export function parseRatioRange(raw: string | undefined): { min: number; max: number } | undefined {
  if (raw === undefined) return undefined;
  const [min, max] = raw.split(',').map((s) => Number(s.trim())) as [number, number];
  if (min > max) throw errors.badParam(`train_evaluate_ratio: the minimum ${min} is above the maximum ${max}`);
  return { min, max };
}

/** Create, list, describe, modify and delete datasets (#1-#5). */
export class DatasetService {
  constructor(private readonly deps: DatasetServiceDeps) {}

  private get store() {
    return this.deps.store;
  }

  async require(projectId: string, datasetId: string): Promise<DatasetRow> {
    const row = await this.store.get(projectId, datasetId);
    if (!row || row.status === DatasetStatus.deleted) throw datasetErrors.notFound(datasetId);
    return row;
  }

  async create(caller: Pick<Principal, 'projectId'>, req: CreateDatasetRequest): Promise<{ dataset_id: string; import_task_id?: string }> {
    const type = req.dataset_type ?? 0;
    const info = datasetTypes[type];
    if (req.data_format === 'CarbonData') throw errors.badParam('body.data_format: CarbonData is not available here; use Default');
    if (req.workforce_information !== undefined) {
      throw errors.badParam('body.workforce_information: team labeling tasks are created with CreateWorkforceTask once the dataset exists');
    }
    const source = req.data_sources[0]!;
    const dataType = source.data_type ?? 0;
    if (dataType !== 0) throw errors.badParam(`body.data_sources[0].data_type: only 0 (OBS) can be read here, got ${dataType}`);
    if (!source.data_path) throw errors.badParam('body.data_sources[0].data_path is required for an OBS data source');
    const input = parseFolder(source.data_path, 'body.data_sources[0].data_path');
    const work = parseWorkPath(req.work_path);
    checkWorkOutsideInput(work, input);
    const labels = checkNewLabels(info, req.labels ?? [], 'body.labels');
    const isText = TEXT_TYPES.includes(type);
    if (req.label_format && isText) textLabelLayout(req.label_format);
    if (await this.store.nameTaken(caller.projectId, req.dataset_name)) throw datasetErrors.nameTaken(req.dataset_name);
    await this.deps.buckets.check(caller, input, 'body.data_sources[0].data_path');
    await this.deps.buckets.check(caller, work, 'body.work_path', 'write');
    if (!(await this.deps.objectStore.exists(input.bucket, input.key))) {
      throw apiError(400, 'ModelArts.4312', `(body.data_sources[0].data_path ${formatObsPath(input)})`);
    }

    const id = shortId();
    const now = this.deps.clock.now();
    const scans = type !== TABLE_TYPE || req.import_data === true;
    // The scan is the dataset's import: its record's id, shaped like ModelArts' (<dataset id>_<random>).
    const importTaskId = scans ? `${id}_${shortId()}` : null;
    const innerPath = { bucket: work.bucket, key: `${work.key}${req.dataset_name}-${id}/` };
    const stored: StoredDataSource = {
      data_type: 0,
      data_path: formatObsPath(input),
      ...(source.schema_maps ? { schema_maps: source.schema_maps } : {}),
      ...(source.with_column_header !== undefined ? { with_column_header: source.with_column_header } : {}),
    };
    const row: DatasetRow = {
      id,
      project_id: caller.projectId,
      name: req.dataset_name,
      type,
      description: req.description ?? '',
      status: scans ? DatasetStatus.creating : DatasetStatus.normal,
      data_format: 'Default',
      data_sources: JSON.stringify([stored]),
      work_path: formatObsPath(work),
      inner_path: formatObsPath(innerPath),
      work_path_type: 0,
      workspace_id: req.workspace_id ?? '0',
      import_annotations: req.import_annotations === false ? 0 : 1,
      import_data: type === TABLE_TYPE && req.import_data === true ? 1 : 0,
      managed: req.managed === true ? 1 : 0,
      label_format: req.label_format && isText ? JSON.stringify(req.label_format) : null,
      schema: req.schema ? JSON.stringify(req.schema) : null,
      extra: null,
      import_task_id: importTaskId,
      scan_task_id: null,
      current_version_id: null,
      next_version_num: 1,
      create_time: now,
      update_time: now,
      data_update_time: now,
    };
    try {
      await this.store.insert(row);
    } catch (e) {
      if (isUniqueViolation(e)) throw datasetErrors.nameTaken(req.dataset_name);
      throw e;
    }
    try {
      if (labels.length > 0) await this.deps.samples.addLabels(toRecord(row), labels);
      await this.deps.objectStore.ensureBucket(innerPath.bucket);
      await this.deps.objectStore.put(innerPath.bucket, innerPath.key, '');
      if (importTaskId) {
        await this.deps.imports.create({
          id: importTaskId,
          datasetId: id,
          projectId: caller.projectId,
          importPath: formatObsPath(input),
          importType: 0,
          options: {
            import_annotations: row.import_annotations === 1,
            ...(req.label_format && isText ? { label_format: req.label_format } : {}),
          },
        });
        const taskId = await this.deps.tasks.enqueue(
          this.deps.scan,
          { datasetId: id },
          { projectId: caller.projectId, dedupeKey: ScanInputTask.dedupeKey(id) },
        );
        await this.store.update(id, { scan_task_id: taskId });
      }
    } catch (e) {
      await this.store.delete(id); // labels and the import record go with it (ON DELETE CASCADE)
      throw e;
    }
    return { dataset_id: id, ...(importTaskId ? { import_task_id: importTaskId } : {}) };
  }

  private async runningTasks(row: DatasetRow, taskType: number | undefined): Promise<string[]> {
    const ids: string[] = [];
    if (row.status === DatasetStatus.creating && row.scan_task_id && taskType === undefined) ids.push(row.scan_task_id);
    if (taskType === undefined || taskType === PUBLISHING_TASK_TYPE) {
      for (const v of await this.store.creatingVersions(row.id)) if (v.task_id) ids.push(v.task_id);
    }
    return ids;
  }

  /** opts.preview: the origin of the preview URLs, when the caller asked for a preview. */
  private async view(row: DatasetRow, opts: { labels: boolean; taskType?: number; preview?: string }): Promise<DatasetResponse> {
    const [counts, versionCount, current, labels, runningTasks, preview] = await Promise.all([
      this.deps.samples.counts(row.id),
      this.store.countVersions(row.id),
      row.current_version_id ? this.store.getVersion(row.id, row.current_version_id) : undefined,
      opts.labels ? this.deps.samples.listLabels(row.id) : undefined,
      // The spec's examples show the running tasks even unasked, so they are always checked (it is cheap).
      this.runningTasks(row, opts.taskType),
      opts.preview !== undefined ? this.deps.preview(row.project_id, row.id, PREVIEW_COUNT, opts.preview) : undefined,
    ]);
    return datasetView(row, {
      counts,
      versionCount,
      ...(current ? { current } : {}),
      ...(labels ? { labels } : {}),
      runningTasks,
      ...(preview ? { preview } : {}),
    });
  }

  async describe(caller: Principal, datasetId: string, q: DescDatasetQuery): Promise<DatasetResponse> {
    const row = await this.require(caller.projectId, datasetId);
    return this.view(row, {
      labels: true,
      ...(q.running_task_type !== undefined ? { taskType: q.running_task_type } : {}),
    });
  }

  async list(caller: Principal, q: ListDatasetsQuery, origin: string): Promise<{ total_number: number; datasets: DatasetResponse[] }> {
    const filter: DatasetFilter = { projectId: caller.projectId };
    if (q.dataset_type !== undefined) filter.type = q.dataset_type;
    if (q.support_export) filter.types = EXPORTABLE_TYPES;
    if (q.workspace_id !== undefined) filter.workspaceId = q.workspace_id;
    if (q.search_content?.trim()) filter.search = q.search_content.trim();
    if (q.contain_versions) filter.withVersions = true;
    const ratio = parseRatioRange(q.train_evaluate_ratio);
    if (ratio) filter.versionRatio = ratio;
    if (q.version_format !== undefined) filter.versionFormat = VERSION_FORMATS[q.version_format];
    // dataset_version (v1/v2/all) tells datasets made before and after ModelArts decoupled them from
    // labeling tasks; every Atelier dataset is of the one kind, so each value lists them all.
    const total = await this.store.count(filter);
    const rows = await this.store.page(filter, q.sort_by === 'dataset_name' ? 'name' : 'create_time', q.order ?? 'desc', q.limit, pageStart(q.offset, q.limit));
    const datasets = await Promise.all(
      rows.map((r) =>
        this.view(r, {
          labels: q.with_labels === true,
          ...(q.file_preview === true ? { preview: origin } : {}),
          ...(q.running_task_type !== undefined ? { taskType: q.running_task_type } : {}),
        }),
      ),
    );
    return { total_number: total, datasets };
  }

  async update(caller: Principal, datasetId: string, req: UpdateDatasetRequest): Promise<{ dataset_id: string }> {
    const row = await this.require(caller.projectId, datasetId);
    if (row.status === DatasetStatus.deleting) throw datasetErrors.deleting();
    const info = typeInfo(row);
    const labelChange = (req.add_labels?.length ?? 0) + (req.update_labels?.length ?? 0) + (req.delete_labels?.length ?? 0) > 0;
    if ((labelChange || req.current_version_id !== undefined) && row.status === DatasetStatus.releasing) throw datasetErrors.releasing();

    const patch: Partial<DatasetRow> = {};
    if (req.dataset_name !== undefined && req.dataset_name !== row.name) {
      if (await this.store.nameTaken(caller.projectId, req.dataset_name, row.id)) throw datasetErrors.nameTaken(req.dataset_name);
      patch.name = req.dataset_name;
    }
    if (req.description !== undefined) patch.description = req.description;
    if (req.current_version_id !== undefined) {
      const v = await this.store.getVersion(row.id, req.current_version_id);
      if (!v) throw datasetErrors.versionNotFound(`body.current_version_id ${req.current_version_id}`);
      if (v.status !== VersionStatus.normal)
        throw errors.badParam(`body.current_version_id: version ${v.name} is not in the normal state (status ${v.status})`);
      patch.current_version_id = v.id;
    }
    let labels: LabelChangeSet | undefined;
    if (labelChange) {
      const existing = await this.deps.samples.listLabels(row.id);
      labels = {
        add: checkNewLabels(info, req.add_labels ?? [], 'body.add_labels', existing),
        update: req.update_labels ?? [],
        remove: req.delete_labels ?? [],
      };
      this.deps.labels.check(info, existing, labels);
    }
    // Labels first: the samples family may still refuse them (e.g. a shortcut already in use).
    if (labels) await this.deps.labels.apply(toRecord(row), labels);
    try {
      await this.store.update(row.id, { ...patch, update_time: this.deps.clock.now() });
    } catch (e) {
      if (isUniqueViolation(e)) throw datasetErrors.nameTaken(req.dataset_name ?? '');
      throw e;
    }
    return { dataset_id: row.id };
  }

  async remove(caller: Principal, datasetId: string, deleteWorkPath: boolean): Promise<void> {
    const row = await this.require(caller.projectId, datasetId);
    const inner = parseObsPath(row.inner_path, 'inner_path');
    if (deleteWorkPath) await this.deps.buckets.check(caller, inner, 'delete_work_path', 'delete');
    await this.store.changeStatus(row.id, [row.status], DatasetStatus.deleting, { update_time: this.deps.clock.now() });
    if (row.scan_task_id) await this.deps.tasks.cancel(row.scan_task_id);
    const versions = await this.store.creatingVersions(row.id);
    for (const v of versions) if (v.task_id) await this.deps.tasks.cancel(v.task_id);
    // Frozen version copies are the samples family's; every other sample and label row goes with the
    // dataset (ON DELETE CASCADE). The files in the input and work paths stay, as the guide says,
    // unless the caller asks for the dataset's own folder under the work path to go too.
    for (const id of await this.store.allVersionIds(row.id)) await this.deps.samples.dropVersion(id);
    await this.store.delete(row.id);
    if (deleteWorkPath) await this.deps.objectStore.deletePrefix(inner.bucket, inner.key);
  }
}
