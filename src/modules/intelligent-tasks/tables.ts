// The intelligent tasks of datasets (#62-67): auto labeling, pre-labeling and auto grouping runs.

/** Task status on the wire: -1 queued, 0 initialised, 1 running, 2 failed, 3 succeeded, 4 stopping, 5 stopped. */
export const TaskStatus = { queued: -1, init: 0, running: 1, failed: 2, succeeded: 3, stopping: 4, stopped: 5 } as const;

export interface IntelligentTaskRow {
  id: string;
  project_id: string;
  dataset_id: string;
  /** auto-label, pre-label or auto-grouping. */
  task_type: string;
  name: string;
  /** JSON object: the config the task was started with (SmartTaskConfig). */
  config: string;
  status: number;
  /** 0..100. */
  progress: number;
  message: string;
  error_code: string | null;
  error_msg: string | null;
  /** JSON object: counts and paths of the result. */
  result: string;
  /** The learner process while it runs (pid and start ticks), so stop can kill it; 0 when none. */
  pid: number;
  start_ticks: number;
  create_time: number;
  start_time: number;
  end_time: number;
}

export interface IntelligentTaskTables {
  intelligent_tasks: IntelligentTaskRow;
}
