// The old DevEnviron API's own table: what only the old shapes have, keyed by the notebook's id
// (an old instance is a notebook of the notebooks family).

export interface DevEnvRow {
  /** The notebook's id. */
  id: string;
  project_id: string;
  /** Who created it. */
  user_id: string;
  user_name: string;
  workspace_id: string;
  /** The profile_id as the request named it (an image id or name). */
  profile_id: string;
  /** The OBS folder that is the working directory, `/bucket/dir/`; '' for none. */
  storage_path: string;
  auto_stop_enable: number;
  /** Seconds. */
  auto_stop_duration: number;
  auto_stop_prompt: number;
  /** JSON {relative path: [size, mtime ms]}: the volume's files as of the last copy-in or sync-back. */
  synced: string;
  /** 1 while files were copied in and the instance has not been synced back since. */
  sync_pending: number;
  /** Why the last copy-in or sync-back failed; '' when it did not. */
  sync_error: string;
  create_at: number;
  update_at: number;
}

export interface DevEnvTables {
  devenv_instances: DevEnvRow;
}
