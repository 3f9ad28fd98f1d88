// The notebooks family's tables. JSON columns hold wire objects as text.
import type { NotebookStorageTables } from './storage/tables.ts';

/** Status of a notebook instance, as the API names it. */
export type NotebookStatus =
  | 'INIT'
  | 'CREATING'
  | 'STARTING'
  | 'STOPPING'
  | 'DELETING'
  | 'RUNNING'
  | 'STOPPED'
  | 'SNAPSHOTTING'
  | 'CREATE_FAILED'
  | 'START_FAILED'
  | 'DELETE_FAILED'
  | 'ERROR'
  | 'DELETED'
  | 'FROZEN';

export interface NotebookRow {
  id: string;
  project_id: string;
  user_id: string;
  name: string;
  description: string;
  feature: string;
  workspace_id: string;
  flavor: string;
  image_id: string;
  /** JSON: the image as answered (id, name, swr_path, type, ...). */
  image: string;
  /** JSON: {category, ownership, capacity}. */
  volume: string;
  /** JSON: the endpoints asked for. */
  endpoints: string;
  /** JSON: the hooks asked for ({container_hooks: {pre_start, post_start}}). */
  hooks: string;
  status: NotebookStatus;
  fail_reason: string;
  /** JSON array of JobProgress. */
  action_progress: string;
  /** What the proxy admits from a browser or a script (the API's `token`). */
  token: string;
  lease_type: string;
  lease_duration: number;
  lease_enable: number;
  lease_create_at: number;
  lease_update_at: number;
  /** When Jupyter was last seen busy (idle leases count from here), ms. */
  last_activity: number;
  create_at: number;
  update_at: number;
  /** The running Jupyter: pid and start time (to adopt it after a restart), port and its own token. */
  pid: number | null;
  start_ticks: number | null;
  port: number | null;
  jupyter_token: string;
  /** What it holds of the local pool while it runs. */
  cpu: number;
  memory_mb: number;
  /** The image a SNAPSHOTTING instance is being saved as (CreateImage); null otherwise. */
  snapshot_image_id: string | null;
  /** The dedicated pool it runs in (the create request's pool_id); null: the public pool. */
  pool_name: string | null;
}

export interface NotebookEventRow {
  id: string;
  notebook_id: string;
  at: number;
  /** Its place in the instance's history (1, 2, ...): orders events of the same ms. */
  seq: number;
  status: string;
  message: string;
}

export interface NotebookTables extends NotebookStorageTables {
  notebooks: NotebookRow;
  notebook_events: NotebookEventRow;
}
