// The OBS folders mounted on notebook instances (#92-95).

/** Status of a mount, as the API names it. */
export type MountStatus = 'MOUNTING' | 'MOUNT_FAILED' | 'MOUNTED' | 'UNMOUNTING' | 'UNMOUNT_FAILED' | 'UNMOUNTED';

/** LIVE: each change in the folder is written to OBS at once (fs store; on the kubernetes executor, by the pod's sync sidecar); COPY: copied back at detach and stop (s3 store on this host). */
export type MountMode = 'LIVE' | 'COPY';

export interface NotebookStorageRow {
  id: string;
  notebook_id: string;
  project_id: string;
  /** As asked: OBS or OBSFS. */
  category: string;
  /** The OBS folder as answered: obs://bucket/prefix/. */
  uri: string;
  bucket: string;
  /** '' (the whole bucket) or a key ending in '/'. */
  prefix: string;
  /** The folder inside the volume, '/'-separated, without a trailing '/'. */
  folder: string;
  mode: MountMode;
  /** Set by DetachObs: the mount goes once its folder is copied back, whatever the instance does meanwhile. */
  detaching: number;
  status: MountStatus;
  fail_reason: string;
  /** JSON Manifest of the copy in the volume; {} when the volume holds none. */
  synced: string;
  create_at: number;
  update_at: number;
}

export interface NotebookStorageTables {
  notebook_storage: NotebookStorageRow;
}
