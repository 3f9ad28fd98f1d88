import type { Principal } from '#src/auth/principal.ts';
import { apiError, errors, type ApiError } from '#src/core/errors.ts';
import { shortId } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { TaskQueue } from '#src/runtime/index.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { DatasetStatus } from './dataset-directory.ts';
import { versionFolder } from './dataset-paths.ts';
import { datasetErrors } from './errors.ts';
import { pageStart } from '#src/core/start-page.ts';
import type { DatasetService } from './dataset-service.ts';
import { parseRatioRange } from './dataset-service.ts';
import { versionView, type VersionOptions } from './dataset-view.ts';
import { csvOptions, type PublishVersionTask } from './publish-task.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import { VersionNameTaken, type DatasetStore, type VersionFilter } from './store.ts';
import type { DatasetRow } from './tables.ts';
import { VERSION_FORMATS, VersionStatus, type CreateDatasetVersionRequest, type DatasetVersion, type ListDatasetVersionsQuery } from './version-schemas.ts';

/** Splitting into training and validation sets is for these types only (the publishing guide). */
const SPLITTABLE_TYPES: readonly number[] = [0, 1, 100, 200];
const TABLE_TYPE = 400;

export interface VersionServiceDeps {
  datasets: DatasetService;
  store: DatasetStore;
  samples: DatasetSamplesPort;
  objectStore: ObjectStore;
  buckets: BucketAccess;
  tasks: TaskQueue;
  publish: PublishVersionTask;
  clock: Clock;
}

/** Why a dataset in this state cannot publish. */
function busy(status: number): ApiError {
  switch (status) {
    case DatasetStatus.creating:
    case DatasetStatus.importing:
      return apiError(400, 'ModelArts.4356');
    case DatasetStatus.deleting:
      return datasetErrors.deleting();
    case DatasetStatus.synchronizing:
      return apiError(400, 'ModelArts.4355');
    case DatasetStatus.switching:
      return apiError(400, 'ModelArts.4349');
    case DatasetStatus.releasing:
      return datasetErrors.releasing();
    default:
      return errors.badParam(`dataset status ${status}: only a normal dataset (status 1) can publish a version`);
  }
}

/** Publish, list, describe and delete dataset versions (#8-#11). */
export class VersionService {
  constructor(private readonly deps: VersionServiceDeps) {}

  private get store() {
    return this.deps.store;
  }

  async create(caller: Principal, datasetId: string, req: CreateDatasetVersionRequest): Promise<{ version_id: string }> {
    const dataset = await this.deps.datasets.require(caller.projectId, datasetId);
    const format = req.version_format ?? 'Default';
    if (format === 'CarbonData') throw errors.badParam('body.version_format: CarbonData is not available here; use Default or CSV');
    if (format === 'CSV' && dataset.type !== TABLE_TYPE) throw errors.badParam('body.version_format: CSV is for table datasets (type 400) only');
    const ratioText = req.train_evaluate_sample_ratio?.trim() ?? '1.00';
    const ratio = Number(ratioText);
    if (ratio !== 1 && !SPLITTABLE_TYPES.includes(dataset.type)) {
      throw errors.badParam(`body.train_evaluate_sample_ratio: datasets of type ${dataset.type} are not split; only types ${SPLITTABLE_TYPES.join(', ')} are`);
    }
    const withHeader = req.with_column_header ?? true;
    if (format === 'CSV' && withHeader) {
      const csv = csvOptions(dataset, withHeader);
      if (!csv.columns && !csv.sourceHasHeader) {
        throw errors.badParam('body.with_column_header: the dataset has neither a schema nor files with a header line to name the columns');
      }
    }
    if (dataset.status !== DatasetStatus.normal) throw busy(dataset.status);
    // The version's files go to the dataset's folder under its work path.
    await this.deps.buckets.check(caller, parseObsPath(dataset.inner_path, 'inner_path'), 'work_path', 'write');

    const options: VersionOptions = {
      clear_hard_property: req.clear_hard_property ?? true,
      export_images: req.export_images ?? false,
      remove_sample_usage: req.remove_sample_usage ?? true,
      train_evaluate_sample_ratio: ratioText,
      ...(dataset.type === TABLE_TYPE ? { with_column_header: withHeader } : {}),
    };
    const id = shortId();
    const now = this.deps.clock.now();
    let row;
    try {
      row = await this.store.beginPublish(dataset.id, req.version_name, now, (name, previous) => ({
        id,
        dataset_id: dataset.id,
        name,
        description: req.description ?? '',
        status: VersionStatus.creating,
        message: null,
        version_format: format,
        train_ratio: ratio,
        task_id: null,
        options: JSON.stringify(options),
        stats: null,
        manifest_path: null,
        data_path: null,
        previous_version_id: previous,
        create_time: now,
        update_time: now,
      }));
    } catch (e) {
      if (e instanceof VersionNameTaken) throw datasetErrors.versionNameTaken(e.versionName);
      throw e;
    }
    if (!row) {
      const now2 = await this.store.getById(dataset.id);
      throw busy(now2?.status ?? DatasetStatus.deleting);
    }
    try {
      const taskId = await this.deps.tasks.enqueue(this.deps.publish, { datasetId: dataset.id, versionId: id }, { projectId: caller.projectId });
      await this.store.updateVersion(id, { task_id: taskId });
    } catch (e) {
      await this.store.deleteVersion(id);
      await this.store.changeStatus(dataset.id, [DatasetStatus.releasing], DatasetStatus.normal);
      throw e;
    }
    return { version_id: id };
  }

  async list(caller: Principal, datasetId: string, q: ListDatasetVersionsQuery): Promise<{ total_number: number; versions: DatasetVersion[] }> {
    const dataset = await this.deps.datasets.require(caller.projectId, datasetId);
    const filter: VersionFilter = {};
    if (q.status !== undefined) filter.status = q.status;
    if (q.version_format !== undefined) filter.format = VERSION_FORMATS[q.version_format];
    const ratio = parseRatioRange(q.train_evaluate_ratio);
    if (ratio) filter.ratio = ratio;
    const total = await this.store.countVersions(dataset.id, filter);
    const rows = await this.store.pageVersions(dataset.id, filter, q.limit, pageStart(q.offset, q.limit));
    return { total_number: total, versions: rows.map((v) => versionView(v, dataset)) };
  }

  private async requireVersion(
    caller: Principal,
    datasetId: string,
    versionId: string,
  ): Promise<{ dataset: DatasetRow; version: NonNullable<Awaited<ReturnType<DatasetStore['getVersion']>>> }> {
    const visible = await this.deps.datasets.require(caller.projectId, datasetId);
    const version = await this.store.getVersion(visible.id, versionId);
    if (!version) throw datasetErrors.versionNotFound(`version ${versionId}`);
    // The dataset is read again after the version: a publish settles both in one transaction, so a
    // version seen as done is then also seen as current.
    const dataset = await this.deps.datasets.require(caller.projectId, datasetId);
    return { dataset, version };
  }

  async describe(caller: Principal, datasetId: string, versionId: string): Promise<DatasetVersion> {
    const { dataset, version } = await this.requireVersion(caller, datasetId, versionId);
    return versionView(version, dataset);
  }

  async remove(caller: Principal, datasetId: string, versionId: string): Promise<void> {
    const { dataset, version } = await this.requireVersion(caller, datasetId, versionId);
    if (version.status === VersionStatus.creating) throw datasetErrors.releasing(`version ${version.name} is still being published`);
    const folder = versionFolder(parseObsPath(dataset.inner_path, 'inner_path'), version.name);
    await this.deps.buckets.check(caller, folder, 'work_path', 'delete');
    await this.store.updateVersion(version.id, { status: VersionStatus.deleting, update_time: this.deps.clock.now() });
    await this.deps.samples.dropVersion(version.id);
    await this.deps.objectStore.deletePrefix(folder.bucket, folder.key);
    await this.store.deleteVersion(version.id);
    if (dataset.current_version_id === version.id) {
      const next = await this.store.latestNormalVersion(dataset.id);
      await this.store.update(dataset.id, { current_version_id: next?.id ?? null, update_time: this.deps.clock.now() });
    }
  }
}
