export interface DatasetRow {
  id: string;
  project_id: string;
  name: string;
  type: number;
  description: string;
  /** The spec's dataset status: 0 creating, 1 normal, 2 deleting, 4 abnormal, 5 synchronizing, 6 releasing, 8 importing. */
  status: number;
  data_format: string;
  data_sources: string;
  work_path: string;
  /** `<work_path><name>-<id>/`, fixed at creation. */
  inner_path: string;
  work_path_type: number;
  workspace_id: string;
  import_annotations: number;
  import_data: number;
  managed: number;
  label_format: string | null;
  schema: string | null;
  extra: string | null;
  import_task_id: string | null;
  /** The background scan of the input path (status 0 while it runs). */
  scan_task_id: string | null;
  current_version_id: string | null;
  next_version_num: number;
  create_time: number;
  update_time: number;
  data_update_time: number;
}

export interface DatasetVersionRow {
  id: string;
  dataset_id: string;
  name: string;
  description: string;
  /** 0 creating, 1 normal, 2 deleting, 3 deleted, 4 error. */
  status: number;
  message: string | null;
  /** Default, CarbonData or CSV. */
  version_format: string;
  train_ratio: number;
  task_id: string | null;
  options: string;
  stats: string | null;
  manifest_path: string | null;
  data_path: string | null;
  previous_version_id: string | null;
  create_time: number;
  update_time: number;
}

export interface DatasetTables {
  datasets: DatasetRow;
  dataset_versions: DatasetVersionRow;
}
