// The rules of the storage APIs (#92-95): which OBS folder may be mounted where, on which instance.
import { randomUUID } from 'node:crypto';
import { ApiError, errors } from '#src/core/errors.ts';
import type { Clock } from '#src/core/time.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { keyProblem, parseObsPath } from '#src/storage/index.ts';
import { MOUNT_PATH } from '../engine.ts';
import { notebookErrors as E } from '../errors.ts';
import type { NotebookStore } from '../store.ts';
import { folderIn, lstatOrUndefined } from './copier.ts';
import type { MountManager } from './mounts.ts';
import { MAX_MOUNTS, type AttachObsRequest, type DataVolumeRes } from './schemas.ts';
import type { StorageStore } from './store.ts';
import type { NotebookStorageRow } from './tables.ts';
import { COPIES_DIR } from './volume-copies.ts';
import { readdirSync } from 'node:fs';

/** Top-level folders of the volume Atelier keeps for itself (the old API's handshake, the sync sidecar's notes). */
const RESERVED = new Set(['.atelier-storage', COPIES_DIR]);

const mountNotFound = (id: string) => new ApiError(404, 'ModelArts.6624', `No OBS storage ${id} is mounted on this instance.`);

export class StorageService {
  constructor(
    private readonly store: StorageStore,
    private readonly notebooks: Pick<NotebookStore, 'get'>,
    private readonly mounts: Pick<MountManager, 'mode' | 'attach' | 'detach'> & { readonly problem?: string | undefined },
    private readonly buckets: BucketAccess,
    private readonly workDir: (notebookId: string) => string,
    private readonly clock: Clock,
    /** false: the instance's volume is not a folder of this host (a claim in the cluster): its pod checks the folder. */
    private readonly hostVolume = true,
  ) {}

  private async notebook(projectId: string, id: string) {
    const nb = await this.notebooks.get(projectId, id);
    if (!nb || nb.status === 'DELETED' || nb.status === 'DELETING') throw E.notFound(id);
    return nb;
  }

  private async mount(projectId: string, notebookId: string, id: string): Promise<NotebookStorageRow> {
    await this.notebook(projectId, notebookId);
    const row = await this.store.get(notebookId, id);
    if (!row) throw mountNotFound(id);
    return row;
  }

  async list(projectId: string, notebookId: string) {
    await this.notebook(projectId, notebookId);
    const data = (await this.store.ofNotebook(notebookId)).map(view);
    return { current: 1, data, pages: data.length ? 1 : 0, size: data.length, total: data.length };
  }

  async show(projectId: string, notebookId: string, id: string): Promise<DataVolumeRes> {
    return view(await this.mount(projectId, notebookId, id));
  }

  async attach(projectId: string, notebookId: string, req: AttachObsRequest): Promise<DataVolumeRes> {
    const { bucket, key } = parseObsPath(req.uri, 'uri');
    const prefix = key === '' || key.endsWith('/') ? key : `${key}/`;
    const uri = `obs://${bucket}/${prefix}`;
    const folder = mountFolder(req.mount_path ?? `${MOUNT_PATH}/data/${prefix.split('/').at(-2) ?? bucket}/`);
    // A foreign bucket is refused whatever the instance (reading claims nothing; the write check below may).
    await this.buckets.check({ projectId }, bucket, 'uri', 'read');
    const nb = await this.notebook(projectId, notebookId);
    // A SNAPSHOTTING instance runs; a mount in its volume does not touch the venv being saved.
    if (nb.status !== 'RUNNING' && nb.status !== 'SNAPSHOTTING') throw E.notRunning();
    if (this.mounts.problem) throw E.storage(this.mounts.problem);
    const others = await this.store.ofNotebook(notebookId);
    if (others.length >= MAX_MOUNTS) throw errors.badParam(`uri: the instance has ${MAX_MOUNTS} mounts, the most it may have; detach one first`);
    for (const o of others) {
      if (o.bucket === bucket && (o.prefix.startsWith(prefix) || prefix.startsWith(o.prefix)))
        throw errors.badParam(
          `uri: ${uri} is ${o.uri === uri ? 'already mounted' : `inside or around ${o.uri}, already mounted`} at ${MOUNT_PATH}/${o.folder}/`,
        );
      if (nested(o.folder, folder))
        throw errors.badParam(`mount_path: ${MOUNT_PATH}/${folder}/ is inside or around ${MOUNT_PATH}/${o.folder}/, where ${o.uri} is mounted`);
    }
    if (this.hostVolume) this.checkFolder(notebookId, folder);
    await this.buckets.check({ projectId }, bucket, 'uri', 'write');
    const now = this.clock.now();
    const row: NotebookStorageRow = {
      id: randomUUID(),
      notebook_id: notebookId,
      project_id: projectId,
      category: req.category ?? 'OBS',
      uri,
      bucket,
      prefix,
      folder,
      mode: this.mounts.mode,
      detaching: 0,
      status: 'MOUNTING',
      fail_reason: '',
      synced: '{}',
      create_at: now,
      update_at: now,
    };
    await this.store.insert(row);
    this.mounts.attach(row);
    return view(row);
  }

  /** The mount path in the volume on this host: a new folder, or an empty one, with no file or link on the way. */
  private checkFolder(notebookId: string, folder: string): void {
    const work = this.workDir(notebookId);
    const parent = folder.split('/').slice(0, -1).join('/');
    const at = `${MOUNT_PATH}/${folder}/`;
    if (lstatOrUndefined(`${work}/${folder}`)) {
      const dir = folderIn(work, folder);
      if (!dir) throw errors.badParam(`mount_path: ${at} is a file or a link in the volume`);
      if (readdirSync(dir).length > 0) throw errors.badParam(`mount_path: ${at} already holds files in the volume; choose a new or empty folder`);
    } else if (parent) {
      let p = '';
      for (const part of parent.split('/')) {
        p = p ? `${p}/${part}` : part;
        const st = lstatOrUndefined(`${work}/${p}`);
        if (!st) break;
        if (!st.isDirectory()) throw errors.badParam(`mount_path: ${MOUNT_PATH}/${p} is a file or a link in the volume`);
      }
    }
  }

  async detach(projectId: string, notebookId: string, id: string): Promise<DataVolumeRes> {
    const row = await this.mount(projectId, notebookId, id);
    if (row.detaching && row.status !== 'UNMOUNT_FAILED') throw E.busy(`the storage is ${row.status}, being detached`);
    await this.store.update(id, { detaching: 1, update_at: this.clock.now() });
    this.mounts.detach(row);
    return view({ ...row, status: 'UNMOUNTING' });
  }
}

/** The folder inside the volume a mount path names ('/'-separated, no trailing '/'); a 400 naming mount_path otherwise. */
export function mountFolder(mountPath: string): string {
  const bad = (why: string) => errors.badParam(`mount_path: ${why}`);
  if (!mountPath.startsWith(`${MOUNT_PATH}/`))
    throw bad(`${mountPath} is outside the volume; folders are mounted under the working directory ${MOUNT_PATH}/ (for example ${MOUNT_PATH}/data/name/)`);
  const rel = mountPath.slice(MOUNT_PATH.length + 1).replace(/\/$/, '');
  if (rel === '') throw bad(`the working directory ${MOUNT_PATH}/ itself cannot be a mount; name a folder inside it`);
  const problem = keyProblem(rel);
  if (problem) throw bad(`${mountPath} ${problem}`);
  if (RESERVED.has(rel.split('/')[0] ?? '')) throw bad(`${MOUNT_PATH}/${rel.split('/')[0]}/ is kept by Atelier`);
  if (rel.split('/').includes('.ipynb_checkpoints')) throw bad('a folder of Jupyter checkpoints cannot be a mount');
  return rel;
}

const nested = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

function view(row: NotebookStorageRow): DataVolumeRes {
  return {
    category: row.category,
    id: row.id,
    mount_path: `${MOUNT_PATH}/${row.folder}/`,
    status: row.detaching && row.status !== 'UNMOUNT_FAILED' ? 'UNMOUNTING' : row.status,
    uri: row.uri,
    sync_mode: row.mode,
    ...(row.fail_reason ? { fail_reason: row.fail_reason } : {}),
  };
}
