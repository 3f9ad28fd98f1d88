export interface ImportTaskRow {
  id: string;
  dataset_id: string;
  project_id: string;
  /** QUEUING, STARTING, RUNNING, COMPLETED or FAILED. */
  status: string;
  /** 0 a folder, 1 a manifest. */
  import_type: number;
  import_path: string;
  /** JSON: {data_type, data_path}. */
  data_source: string;
  /** JSON: the import's choices. */
  options: string;
  queue_task_id: string | null;
  total_sample_count: number;
  imported_sample_count: number;
  annotated_sample_count: number;
  /** Samples left with labels awaiting confirmation (final_annotation false). */
  unconfirmed_sample_count: number;
  total_file_count: number;
  total_file_size: number;
  finished_file_count: number;
  finished_file_size: number;
  error_count: number;
  /** JSON: the first ImportFileError records. */
  errors: string;
  error_code: string | null;
  error_msg: string | null;
  create_time: number;
  update_time: number;
  start_time: number | null;
  end_time: number | null;
}

export interface DataTransferTables {
  dataset_import_tasks: ImportTaskRow;
  dataset_sync_tasks: SyncTaskRow;
}

export interface SyncTaskRow {
  id: string;
  dataset_id: string;
  project_id: string;
  /** QUEUING, RUNNING, COMPLETED or FAILED. */
  status: string;
  queue_task_id: string | null;
  add_sample_count: number;
  deleted_sample_count: number;
  total_sample_count: number;
  error_code: string | null;
  error_msg: string | null;
  create_time: number;
  update_time: number;
  start_time: number | null;
  end_time: number | null;
}
