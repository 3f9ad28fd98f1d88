import { apiError } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { ObjectPath } from '#src/storage/obs-path.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { datasetTypes, isDatasetType, type DatasetTypeInfo } from '#src/formats/dataset-types.ts';
import { datasetErrors } from './errors.ts';
import type { DatasetStore } from './store.ts';
import type { DatasetRow } from './tables.ts';

/** Dataset status values of the spec. */
export const DatasetStatus = {
  creating: 0,
  normal: 1,
  deleting: 2,
  deleted: 3,
  abnormal: 4,
  synchronizing: 5,
  releasing: 6,
  switching: 7,
  importing: 8,
} as const;

/** What other families know of a dataset. */
export interface DatasetRecord {
  id: string;
  projectId: string;
  name: string;
  info: DatasetTypeInfo;
  status: number;
  /** Where the dataset writes: versions, uploaded sample files, annotations. */
  workPath: ObjectPath;
  /** The dataset's own folder under the work path, `<work_path><name>-<id>/` (inner_work_path). */
  innerPath?: ObjectPath;
  /** The input folders (data_sources[].data_path), parsed. */
  inputPaths: ObjectPath[];
  labelFormat?: { label_type?: string; text_label_separator?: string; text_sample_separator?: string };
  /** Whether labels found beside the input files are imported with them (import_annotations; default true). */
  importAnnotations?: boolean;
}

/**
 * Finds datasets for the families that work inside one (samples, labels, import, export). A dataset
 * of another project is reported missing, exactly as one that does not exist.
 */
export class DatasetDirectory {
  constructor(
    private readonly store: DatasetStore,
    private readonly clock: Clock,
  ) {}

  async require(projectId: string, datasetId: string): Promise<DatasetRecord> {
    const row = await this.store.get(projectId, datasetId);
    if (!row || row.status === DatasetStatus.deleted) throw datasetErrors.notFound(datasetId);
    return toRecord(row);
  }

  /** As require, for changes to samples and labels: refused while the dataset is being deleted or published. */
  async requireWritable(projectId: string, datasetId: string): Promise<DatasetRecord> {
    const d = await this.require(projectId, datasetId);
    if (d.status === DatasetStatus.deleting) throw datasetErrors.deleting();
    if (d.status === DatasetStatus.releasing) throw apiError(400, 'ModelArts.4381');
    return d;
  }

  /**
   * The object path of a published version's manifest (what a training job reads as its input).
   * 404 for an invisible dataset, 400 ModelArts.4353 for a missing or unfinished version.
   */
  async versionManifest(projectId: string, datasetId: string, versionId: string): Promise<string> {
    await this.require(projectId, datasetId);
    const version = await this.store.getVersion(datasetId, versionId);
    if (!version) throw datasetErrors.versionNotFound(versionId);
    if (!version.manifest_path) throw datasetErrors.versionNotFound(`${versionId} is still being published`);
    return version.manifest_path;
  }

  /** Records that samples or labels changed (data_update_time). */
  async touch(datasetId: string): Promise<void> {
    await this.store.touch(datasetId, this.clock.now());
  }
}

export function toRecord(row: DatasetRow): DatasetRecord {
  if (!isDatasetType(row.type)) throw new Error(`dataset ${row.id} has unknown type ${row.type}`);
  const sources = JSON.parse(row.data_sources) as { data_path?: string }[];
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    info: datasetTypes[row.type],
    status: row.status,
    workPath: parseObsPath(row.work_path, 'work_path'),
    innerPath: parseObsPath(row.inner_path, 'inner_work_path'),
    inputPaths: sources.filter((s) => s.data_path).map((s) => parseObsPath(s.data_path!, 'data_sources.data_path')),
    importAnnotations: row.import_annotations === 1,
    ...(row.label_format ? { labelFormat: JSON.parse(row.label_format) as DatasetRecord['labelFormat'] } : {}),
  };
}
