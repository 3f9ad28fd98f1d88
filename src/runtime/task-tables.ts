export type TaskStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TaskRow {
  id: string;
  /** The task class (its definition's name). */
  name: string;
  /** JSON, checked against the definition's schema when enqueued. */
  payload: string;
  status: TaskStatus;
  attempts: number;
  max_attempts: number;
  /** Not before (epoch ms). */
  run_at: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  heartbeat_at: number | null;
  last_error: string | null;
  /** JSON of what the run returned. */
  result: string | null;
  dedupe_key: string | null;
  project_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface TaskTables {
  tasks: TaskRow;
}
