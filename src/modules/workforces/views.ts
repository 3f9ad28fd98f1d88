import type { Worker, Workforce } from './schemas.ts';
import type { WorkerWithSignIn } from './store.ts';
import type { WorkforceRow } from './tables.ts';

export type WorkerStatus = Worker['status'];

/**
 * A member's status: removed (3); signed in since joining (2); else what mail did (1 invited, 0 not).
 * The sign-in is the identity's, recorded by the token API (auth/identity-service.ts).
 */
export function workerStatus(row: WorkerWithSignIn): WorkerStatus {
  if (row.deleted_at !== null) return 3;
  if (row.last_sign_in_at !== null && row.last_sign_in_at >= row.created_at) return 2;
  return row.invite_status;
}

export function workerView(row: WorkerWithSignIn): Worker {
  return {
    create_time: row.created_at,
    description: row.description,
    email: row.email,
    role: row.role,
    status: workerStatus(row),
    update_time: row.updated_at,
    worker_id: row.id,
    workforce_id: row.workforce_id,
  };
}

export function workforceView(row: WorkforceRow, workerCount: number): Workforce {
  return {
    create_time: row.created_at,
    description: row.description,
    update_time: row.updated_at,
    worker_count: workerCount,
    workforce_id: row.id,
    workforce_name: row.name,
    workspace_id: row.workspace_id,
  };
}
