// The processor-tasks family's tables: data processing tasks (#68-73), their versions, each a run
// (#74-79), and the per-file results of a run (#78).

export interface ProcessorTaskRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  /** sys_data_analyse, sys_data_validation, ... */
  template_id: string;
  /** JSON of the TemplateParam as given. */
  template: string;
  /** JSON of the data_source as given, or null. */
  data_source: string | null;
  /** JSON array of the inputs as given (data_source alone becomes one input). */
  inputs: string;
  /** JSON of the work_path as given, or null. */
  work_path: string | null;
  dataset_version_id: string | null;
  workspace_id: string;
  create_time: number;
}

/** 0 initialized, 1 running, 2 completed, 3 failed, 4 stopped. */
export type ProcessorStatusValue = 0 | 1 | 2 | 3 | 4;

export interface ProcessorVersionRow {
  id: string;
  task_id: string;
  project_id: string;
  /** V001, V002, ... in creation order within the task. */
  version_name: string;
  description: string;
  template: string;
  inputs: string;
  work_path: string | null;
  /** `/bucket/folder/` the run writes its output files to. */
  output_path: string;
  /** The task queue entry that runs the version (stop cancels it). */
  queue_task_id: string | null;
  status: ProcessorStatusValue;
  error_msg: string | null;
  origin_sample_count: number;
  add_sample_count: number;
  modified_sample_count: number;
  deleted_sample_count: number;
  unmodified_sample_count: number;
  /** JSON of the run's summary (the analyse histograms), or null. */
  result: string | null;
  create_time: number;
  update_time: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface ProcessorResultRow {
  version_id: string;
  /** Order of the file within the run's input. */
  seq: number;
  sample_id: string;
  origin_source: string;
  new_source: string | null;
  /** 0 reserve, 1 modify, 2 delete, 3 add. */
  result_property: number;
  /** JSON array of string arrays: why, per file. */
  result_description: string;
}

export interface ProcessorTables {
  processor_tasks: ProcessorTaskRow;
  processor_task_versions: ProcessorVersionRow;
  processor_results: ProcessorResultRow;
}
