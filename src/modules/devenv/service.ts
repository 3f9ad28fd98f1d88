// The old DevEnviron API over the notebooks family: an old instance is a notebook; this service
// checks the old request, keeps what only the old shapes have (profile, OBS working directory,
// auto stop) and answers in the old shapes.
import type { Static } from 'typebox';
import type { Principal } from '#src/auth/principal.ts';
import type { Clock } from '#src/core/time.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { parseObsPath } from '#src/storage/index.ts';
import { devenvErrors as E } from './errors.ts';
import type { DevEnvNotebooks, NotebookFlavorView, NotebookView, ProfileImages } from './ports.ts';
import {
  MAX_AUTO_STOP_S,
  type CreateDevEnvRequest,
  type DevEnvInstance,
  type DevEnvStatus,
  type ListDevEnvQuery,
  type ListDevEnvResponse,
  type UpdateDevEnvRequest,
} from './schemas.ts';
import { COPY_IN_HOOK, type StorageSync } from './storage-sync.ts';
import type { DevEnvStore } from './store.ts';
import type { DevEnvRow } from './tables.ts';

/** With auto stop off, a run lasts until it is stopped: the notebook's longest lease (30 days). */
const NO_AUTO_STOP_MS = 30 * 86_400_000;

const STATUS: Record<string, DevEnvStatus> = {
  INIT: 'CREATING',
  CREATING: 'CREATING',
  STARTING: 'STARTING',
  RUNNING: 'RUNNING',
  STOPPING: 'STOPPING',
  STOPPED: 'STOPPED',
  SNAPSHOTTING: 'RUNNING',
  CREATE_FAILED: 'CREATE_FAILED',
  START_FAILED: 'START_FAILED',
  DELETING: 'DELETED',
  DELETED: 'DELETED',
  DELETE_FAILED: 'UNAVAILABLE',
  ERROR: 'UNAVAILABLE',
  FROZEN: 'UNAVAILABLE',
};

const oldStatus = (s: string): DevEnvStatus => STATUS[s] ?? 'UNAVAILABLE';

export class DevEnvService {
  constructor(
    private readonly store: DevEnvStore,
    private readonly notebooks: DevEnvNotebooks,
    private readonly images: ProfileImages,
    private readonly buckets: BucketAccess,
    private readonly sync: StorageSync,
    private readonly clock: Clock,
  ) {}

  private async row(projectId: string, id: string): Promise<DevEnvRow> {
    const row = await this.store.get(projectId, id);
    if (!row) throw E.notFound(id);
    return row;
  }

  /** The notebook behind the row; a 404 once the notebooks family has removed it. */
  private async notebook(row: DevEnvRow, origin: string): Promise<NotebookView> {
    try {
      return await this.notebooks.show(row.project_id, row.id, origin);
    } catch (e) {
      if ((e as { status?: number }).status === 404) {
        await this.store.delete(row.id);
        throw E.notFound(row.id);
      }
      throw e;
    }
  }

  async create(p: Principal, req: CreateDevEnvRequest, origin: string): Promise<DevEnvInstance> {
    const image = await this.images.image(p.projectId, req.profile_id);
    if (!image)
      throw E.badValue('profile_id', `no image ${req.profile_id} is available to this project; a profile here is the id or name of an image ListImage answers`);
    const storagePath = await this.storagePath(p, req.spec.storage);
    const autoStop = req.spec.auto_stop ?? {};
    if (autoStop.enable && autoStop.duration === undefined) throw E.durationNeeded();
    const enable = autoStop.enable ?? false;
    const duration = autoStop.duration ?? 3600;
    const nb = await this.notebooks.create(
      { projectId: p.projectId, userId: p.userId },
      {
        name: req.name,
        ...(req.description !== undefined ? { description: req.description } : {}),
        flavor: req.flavor,
        image_id: image.id,
        ...(req.pool ? { pool_id: req.pool.id } : {}),
        volume: { category: 'EVS', ownership: 'MANAGED' },
        workspace_id: req.workspace?.id ?? '0',
        duration: enable ? duration * 1000 : NO_AUTO_STOP_MS,
        hooks: { container_hooks: { pre_start: { type: 'COMMAND', script: COPY_IN_HOOK } } },
      },
      origin,
    );
    const now = this.clock.now();
    const row: DevEnvRow = {
      id: nb.id,
      project_id: p.projectId,
      user_id: p.userId,
      user_name: p.userName,
      workspace_id: req.workspace?.id ?? '0',
      profile_id: req.profile_id,
      storage_path: storagePath,
      auto_stop_enable: enable ? 1 : 0,
      auto_stop_duration: duration,
      auto_stop_prompt: (autoStop.prompt ?? true) ? 1 : 0,
      synced: '{}',
      sync_pending: 0,
      sync_error: '',
      create_at: now,
      update_at: now,
    };
    await this.store.insert(row);
    this.sync.ensureTimer();
    return this.view(row, nb, origin);
  }

  /** The OBS folder of spec.storage, checked: a folder (ending with /) inside a bucket of the caller's account. */
  private async storagePath(p: Principal, storage: CreateDevEnvRequest['spec']['storage']): Promise<string> {
    if (storage.type !== 'obs') throw E.storageType(`spec.storage.type: ${String(storage.type)}; only obs is supported`);
    const raw = storage.location?.path;
    if (!raw) throw E.pathNeeded();
    if (!raw.endsWith('/')) throw E.pathSlash();
    const path = parseObsPath(raw, 'spec.storage.location.path');
    if (path.key === '') throw E.pathRoot();
    await this.buckets.check({ domainId: p.domainId }, path, 'spec.storage.location.path', 'write');
    return `/${path.bucket}/${path.key}`;
  }

  async list(p: Principal, q: Static<typeof ListDevEnvQuery>, origin: string): Promise<Static<typeof ListDevEnvResponse>> {
    if (q.provision_type && !['Docker', 'LOCAL'].includes(q.provision_type)) return { total_count: 0, instances: [] };
    const rows = await this.store.ofProject(p.projectId);
    const all: DevEnvInstance[] = [];
    for (const row of rows) {
      const nb = await this.notebooks.show(row.project_id, row.id, origin).catch(() => undefined);
      if (!nb || (q.pool_id && nb.pool?.id !== q.pool_id)) continue;
      all.push(this.view(row, nb, origin));
    }
    const flavors = this.flavors();
    let list = all.map((i) => ({ ...i, ...flavorDetails(flavors, i.flavor) }));
    if (q.status) list = list.filter((i) => i.status === q.status);
    if (q.workspace_id) list = list.filter((i) => i.workspace.id === q.workspace_id);
    if ((q.show_self ?? 'true') === 'true') list = list.filter((i) => i.user.id === p.userId);
    const key = q.sortby ?? 'name';
    const sign = (q.order ?? 'asc') === 'asc' ? 1 : -1;
    list.sort((a, b) => sign * (key === 'name' ? a.name.localeCompare(b.name) : Number(a.creation_timestamp) - Number(b.creation_timestamp)));
    const offset = q.offset ?? 0;
    const page = q.limit ? list.slice(offset, offset + q.limit) : list.slice(offset);
    return { total_count: list.length, instances: page };
  }

  async show(p: Principal, id: string, origin: string): Promise<DevEnvInstance> {
    const row = await this.row(p.projectId, id);
    const view = this.view(row, await this.notebook(row, origin), origin);
    return { ...view, ...flavorDetails(this.flavors(), view.flavor) };
  }

  /** The description, and auto stop (which applies from the next start). */
  async update(p: Principal, id: string, req: UpdateDevEnvRequest, origin: string): Promise<DevEnvInstance> {
    const row = await this.row(p.projectId, id);
    const a = req.spec?.auto_stop;
    if (a?.enable && a.duration === undefined && !row.auto_stop_enable) throw E.durationNeeded();
    let nb = await this.notebook(row, origin);
    if (req.description !== undefined) nb = await this.notebooks.update(p.projectId, id, { description: req.description }, origin);
    const patch: Partial<DevEnvRow> = { update_at: this.clock.now() };
    if (a?.enable !== undefined) patch.auto_stop_enable = a.enable ? 1 : 0;
    if (a?.duration !== undefined) patch.auto_stop_duration = a.duration;
    if (a?.prompt !== undefined) patch.auto_stop_prompt = a.prompt ? 1 : 0;
    await this.store.update(id, patch);
    const view = this.view({ ...row, ...patch }, nb, origin);
    return { ...view, ...flavorDetails(this.flavors(), view.flavor) };
  }

  /** Removes the instance and its volume; what was not copied back to OBS by a stop is lost. */
  async delete(p: Principal, id: string, origin: string): Promise<{ instance_id: string }> {
    const row = await this.row(p.projectId, id);
    await this.notebooks.delete(p.projectId, id, origin).catch(async (e: unknown) => {
      if ((e as { status?: number }).status !== 404) throw e;
    });
    await this.store.delete(row.id);
    return { instance_id: id };
  }

  async action(p: Principal, id: string, action: 'start' | 'stop', origin: string): Promise<{ current_status: DevEnvStatus; previous_state: DevEnvStatus }> {
    const row = await this.row(p.projectId, id);
    const before = await this.notebook(row, origin);
    const after =
      action === 'start'
        ? await this.notebooks.start(
            p.projectId,
            id,
            { duration: row.auto_stop_enable ? Math.min(row.auto_stop_duration, MAX_AUTO_STOP_S) * 1000 : NO_AUTO_STOP_MS },
            origin,
          )
        : await this.notebooks.stop(p.projectId, id, origin);
    if (row.storage_path) this.sync.ensureTimer();
    return { current_status: oldStatus(after.status), previous_state: oldStatus(before.status) };
  }

  private flavors(): NotebookFlavorView[] {
    return this.notebooks.flavorsList({}).data;
  }

  private view(row: DevEnvRow, nb: NotebookView, origin: string): DevEnvInstance {
    const status = oldStatus(nb.status);
    // Saving an image leaves Jupyter serving: the old API knows no such status.
    const running = nb.status === 'RUNNING' || nb.status === 'SNAPSHOTTING';
    const stopAt = nb.lease.create_at + nb.lease.duration;
    const failed = status === 'CREATE_FAILED' || status === 'START_FAILED' || status === 'UNAVAILABLE';
    return {
      id: row.id,
      name: nb.name,
      description: nb.description,
      status,
      creation_timestamp: String(row.create_at),
      latest_update_timestamp: String(row.update_at),
      profile: {
        id: row.profile_id,
        name: row.profile_id,
        description: `a Jupyter Server on the image ${row.profile_id}`,
        de_type: 'Notebook',
        flavor_type: 'CPU',
        provision: { type: 'LOCAL', spec: { engine: 'LOCAL', params: { namespace: 'atelier', image_name: row.profile_id, image_tag: 'latest' } } },
      },
      flavor: nb.flavor,
      spec: {
        storage: { type: 'obs', location: { path: row.storage_path } },
        auto_stop: {
          enable: row.auto_stop_enable === 1,
          duration: row.auto_stop_duration,
          prompt: row.auto_stop_prompt === 1,
          ...(running && row.auto_stop_enable ? { stop_timestamp: stopAt, remain_time: Math.max(0, Math.round((stopAt - this.clock.now()) / 1000)) } : {}),
        },
        annotations: { url: running ? nb.url : '', token: nb.token, target_domain: origin },
        ...(failed && nb.fail_reason ? { failed_reasons: { code: status, message: nb.fail_reason } } : {}),
        ...(row.sync_error ? { extend_params: { sync_error: row.sync_error } } : {}),
      },
      workspace: { id: row.workspace_id },
      ai_project: { id: 'default-ai-project' },
      user: { id: row.user_id, name: row.user_name },
    };
  }
}

function flavorDetails(flavors: NotebookFlavorView[], id: string): Pick<DevEnvInstance, 'flavor_details'> {
  const f = flavors.find((x) => x.id === id);
  if (!f) return {};
  return {
    flavor_details: {
      name: f.id,
      status: f.sold_out ? 'soldOut' : 'onSale',
      type: f.category,
      params: { CPU: f.vcpus, memory: `${Math.max(1, Math.round(f.memory / 1024))}GiB` },
      storage_list: ['obs'],
      is_permitted: true,
      promo_type: 'NoDiscount',
      store_time: -1,
    },
  };
}
