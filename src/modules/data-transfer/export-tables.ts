export interface ExportTaskRow {
  id: string;
  dataset_id: string;
  project_id: string;
  /** INIT, RUNNING, FAILED or SUCCESSED. */
  status: string;
  /** The folder written to, /bucket/dir/. */
  path: string;
  /** 0 labeled, 1 unlabeled, 2 all, 3 chosen by export_params. */
  export_type: number;
  /** 1 tree, 2 tile; null: a manifest. */
  export_format: number | null;
  version_id: string | null;
  /** JSON: ExportChoices. */
  request: string;
  queue_task_id: string | null;
  total_sample_count: number;
  finished_sample_count: number;
  error_code: string | null;
  error_msg: string | null;
  create_time: number;
  update_time: number;
}

export interface ExportTaskTables {
  dataset_export_tasks: ExportTaskRow;
}
