// Database rows -> the spec's Dataset and DatasetVersion objects.
import { datasetTypes, isDatasetType, type DatasetTypeInfo } from '#src/formats/dataset-types.ts';
import { innerFolders } from './dataset-paths.ts';
import type { LabelDefinition, SampleCounts, VersionSnapshot } from './samples-port.ts';
import type { AnnotationFile, DataSource, DatasetResponse } from './schemas.ts';
import type { DatasetRow, DatasetVersionRow } from './tables.ts';
import type { DatasetVersion, VersionFormat } from './version-schemas.ts';

/** What a version row's options column holds: the request's choices, defaults applied. */
export interface VersionOptions {
  clear_hard_property: boolean;
  export_images: boolean;
  remove_sample_usage: boolean;
  /** As the request wrote it, e.g. "0.8"; "1.00" by default. */
  train_evaluate_sample_ratio: string;
  with_column_header?: boolean;
}

/** What a version row's stats column holds once published. */
export interface VersionStats extends VersionSnapshot {
  previous_total_sample_count?: number;
  previous_annotated_sample_count?: number;
}

/** The stored data_sources entry (source_info is never stored: it may hold passwords). */
export type StoredDataSource = Omit<DataSource, 'source_info'> & { data_type: number };

export function typeInfo(row: DatasetRow): DatasetTypeInfo {
  if (!isDatasetType(row.type)) throw new Error(`dataset ${row.id} has unknown type ${row.type}`);
  return datasetTypes[row.type];
}

export function versionView(v: DatasetVersionRow, dataset: DatasetRow): DatasetVersion {
  const options = JSON.parse(v.options) as VersionOptions;
  const stats = v.stats ? (JSON.parse(v.stats) as VersionStats) : undefined;
  const info = typeInfo(dataset);
  return {
    version_id: v.id,
    version_name: v.name,
    // No feature analysis has been started for any version here: its analysis is in its initial state.
    analysis_status: 0,
    version_format: v.version_format as VersionFormat,
    ...(v.previous_version_id ? { previous_version_id: v.previous_version_id } : {}),
    status: v.status,
    ...(v.message ? { message: v.message } : {}),
    create_time: v.create_time,
    update_time: v.update_time,
    total_sample_count: stats?.total ?? 0,
    annotated_sample_count: stats?.annotated ?? 0,
    // Atelier makes no sub-samples (e.g. video key frames), so these are always 0.
    total_sub_sample_count: 0,
    annotated_sub_sample_count: 0,
    ...(stats?.previous_total_sample_count !== undefined ? { previous_total_sample_count: stats.previous_total_sample_count } : {}),
    ...(stats?.previous_annotated_sample_count !== undefined ? { previous_annotated_sample_count: stats.previous_annotated_sample_count } : {}),
    ...(v.manifest_path ? { manifest_path: v.manifest_path } : {}),
    ...(v.data_path ? { data_path: v.data_path } : {}),
    is_current: dataset.current_version_id === v.id,
    train_evaluate_sample_ratio: options.train_evaluate_sample_ratio,
    remove_sample_usage: options.remove_sample_usage,
    export_images: options.export_images,
    clear_hard_property: options.clear_hard_property,
    extract_serial_number: false,
    ...(options.with_column_header !== undefined ? { with_column_header: options.with_column_header } : {}),
    description: v.description,
    ...(stats ? { label_stats: stats.labelStats, label_type: stats.labelType } : {}),
    task_type: dataset.type,
    tags: [...info.tags],
  };
}

export interface DatasetExtras {
  counts: SampleCounts;
  versionCount: number;
  current?: DatasetVersionRow;
  labels?: LabelDefinition[];
  /** Ids of the dataset's running tasks (input scan, publications). */
  runningTasks: string[];
  /** When the caller asked for a preview. */
  preview?: AnnotationFile[];
}

export function datasetView(row: DatasetRow, x: DatasetExtras): DatasetResponse {
  const info = typeInfo(row);
  const sources = JSON.parse(row.data_sources) as StoredDataSource[];
  return {
    dataset_id: row.id,
    dataset_name: row.name,
    dataset_type: row.type,
    dataset_format: info.format,
    dataset_tags: [...info.tags],
    data_format: row.data_format,
    data_sources: sources,
    description: row.description,
    status: row.status,
    create_time: row.create_time,
    update_time: row.update_time,
    data_update_time: row.data_update_time,
    next_version_num: row.next_version_num,
    dataset_version_count: x.versionCount,
    ...(x.current ? { current_version_id: x.current.id, current_version_name: x.current.name, versions: [versionView(x.current, row)] } : {}),
    total_sample_count: x.counts.total,
    annotated_sample_count: x.counts.annotated,
    unconfirmed_sample_count: x.counts.unconfirmed,
    total_sub_sample_count: 0,
    annotated_sub_sample_count: 0,
    work_path: row.work_path,
    work_path_type: row.work_path_type,
    ...innerFolders(row.inner_path),
    workspace_id: row.workspace_id,
    // Atelier has no enterprise projects; "0" is the spec's value for the default one.
    enterprise_project_id: '0',
    managed: row.managed === 1,
    import_data: row.import_data === 1,
    ...(row.import_task_id ? { import_task_id: row.import_task_id } : {}),
    ...(row.schema ? { schema: JSON.parse(row.schema) as DatasetResponse['schema'] } : {}),
    ...(x.labels ? { labels: x.labels.map((l) => ({ ...l })) } : {}),
    ...(x.preview ? { samples: x.preview } : {}),
    exist_running_task: x.runningTasks.length > 0,
    running_tasks_id: x.runningTasks,
    // Team labeling tasks are not served yet, so a dataset has none, and no other labeling task: it is
    // labeled directly (#19-#25).
    exist_workforce_task: false,
    workforce_task_count: 0,
    label_task_count: 0,
    // "0": the size of the files a dataset takes is limited (the upload limits of #13).
    feature_supports: ['0'],
    // Speech paragraph labels carry their content (@modelarts:content); nothing turns that off.
    content_labeling: true,
  };
}
