// The training-jobs family's table. JSON columns hold the wire objects as text.

/** Level-1 status of a training job. */
export type JobPhase = 'Creating' | 'Pending' | 'Running' | 'Failed' | 'Completed' | 'Terminating' | 'Terminated' | 'Abnormal';

export interface TrainingJobRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  workspace_id: string;
  kind: string;
  user_id: string;
  user_name: string;
  algorithm_id: string | null;
  algorithm_name: string;
  /** JSON: the resolved job algorithm (code, boot file, engine, parameters, inputs, outputs, environments). */
  algorithm: string;
  /** JSON: the spec as answered (resource with flavor detail, log_export_path). */
  spec: string;
  /** The engine's ID, or image:<image id> for a job started from a DevEnviron image (job-images.ts). */
  engine_id: string;
  flavor_id: string;
  node_count: number;
  /** Pool share taken while running: cores and memory of every node together. */
  cpu: number;
  memory_mb: number;
  /** The dedicated pool the job is placed in (its id, spec.resource.pool_id); null: the public pool. */
  pool_name: string | null;
  phase: JobPhase;
  secondary_phase: string;
  create_time: number;
  start_time: number | null;
  end_time: number | null;
  update_time: number;
  /** JSON array of {task, exit_code, message}. */
  task_statuses: string;
  /** JSON array of {task, pid, start_ticks}: the processes to adopt after a restart. */
  processes: string;
  /** 1 once a terminate was asked for. */
  terminate_requested: number;
  /** JSON {plan, results} of a hyperparameter search job; null for a plain job. */
  search: string | null;
}

/** A chunk of a task's log or metric samples kept in the database (the kubernetes executor's, db-job-logs.ts). */
export interface TrainingJobLogRow {
  job_id: string;
  task: string;
  stream: 'log' | 'metrics';
  /** 0, 1, 2... in the order appended. */
  seq: number;
  /** Where the chunk starts in its stream, in bytes. */
  start_offset: number;
  data: Buffer;
}

export interface TrainingTables {
  training_jobs: TrainingJobRow;
  training_job_logs: TrainingJobLogRow;
}
