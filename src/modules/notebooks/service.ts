// Notebook instances: the rules of create, update, start, stop, delete and leases, over the store
// and the engine. Requests answer at once; the engine moves the status in the background.
import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import type { Clock } from '#src/core/time.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { Logger } from '#src/runtime/logger.ts';
import { MOUNT_PATH, progress, proxyBase, type NotebookEngine } from './engine.ts';
import { notebookErrors as E } from './errors.ts';
import { flavorResponse, type NotebookFlavorSpec } from './flavors.ts';
import type { ImageEnvironment, NotebookImages } from './ports.ts';
import type {
  CreateNotebookRequest,
  Lease,
  LeaseReq,
  ListFlavorsQuery,
  ListNotebookEventsQuery,
  ListNotebookEventsResponse,
  ListFlavorsResponse,
  ListNotebooksQuery,
  ListNotebooksResponse,
  NotebookResp,
  UpdateNotebookRequest,
} from './schemas.ts';
import type { NotebookQuery, NotebookStore } from './store.ts';
import type { NotebookRow, NotebookStatus } from './tables.ts';

const DEFAULT_LEASE_MS = 3_600_000;
const TRANSITIONAL: NotebookStatus[] = ['INIT', 'CREATING', 'STARTING', 'STOPPING', 'DELETING', 'SNAPSHOTTING'];
const STARTABLE: NotebookStatus[] = ['STOPPED', 'CREATE_FAILED', 'START_FAILED', 'ERROR'];
const SORTABLE = ['create_at', 'update_at', 'name', 'status', 'flavor'] as const;

export interface Caller {
  projectId: string;
  userId: string;
}

export class NotebookService {
  constructor(
    private readonly store: NotebookStore,
    private readonly engine: NotebookEngine,
    private readonly images: NotebookImages,
    private readonly flavors: NotebookFlavorSpec[],
    private readonly pool: LocalPool,
    private readonly pools: PoolRegistry,
    private readonly clock: Clock,
    private readonly minIdleMs: number,
    private readonly log: Logger,
  ) {}

  private async row(projectId: string, id: string): Promise<NotebookRow> {
    const row = await this.store.get(projectId, id);
    if (!row || row.status === 'DELETED') throw E.notFound(id);
    return this.engine.settle(row);
  }

  private flavor(id: string): NotebookFlavorSpec {
    const f = this.flavors.find((x) => x.id === id);
    if (!f) throw E.flavor(`${id} is not offered here; ListFlavors names those that are (${this.flavors.map((x) => x.id).join(', ')})`);
    return f;
  }

  private async image(projectId: string, imageId: string): Promise<ImageEnvironment> {
    const image = await this.images.image(projectId, imageId);
    if (!image) throw E.badParam(`image_id: no image ${imageId} is available to this project`);
    return image;
  }

  /** A lease from the request's fields; duration wins over lease, as the spec says. */
  private lease(duration: number | undefined, lease: Static<typeof LeaseReq> | undefined, fallback?: { type: string; duration: number }) {
    if (duration !== undefined) return { type: 'TIMING', duration };
    const type = lease?.type ?? fallback?.type ?? 'TIMING';
    const d =
      lease?.duration ??
      (fallback && fallback.type === type ? fallback.duration : type === 'IDLE' ? Math.max(this.minIdleMs, DEFAULT_LEASE_MS) : DEFAULT_LEASE_MS);
    if (type === 'IDLE' && d < this.minIdleMs) throw E.badParam(`lease.duration: an idle stop needs at least ${this.minIdleMs} ms`);
    return { type, duration: d };
  }

  async create(caller: Caller, req: CreateNotebookRequest, origin: string): Promise<NotebookResp> {
    const flavor = this.flavor(req.flavor);
    const image = await this.image(caller.projectId, req.image_id);
    const poolName = await this.checkPool(caller.projectId, req.pool_id, flavor);
    if (req.volume.ownership.toUpperCase() === 'DEDICATED') throw E.storage('volume.ownership: DEDICATED file systems are not available here; use MANAGED');
    if (req.endpoints?.some((e) => e.dev_service === 'SSH'))
      throw E.badParam('endpoints.dev_service: SSH is not available (no SSH gateway is configured); use NOTEBOOK, the JupyterLab proxy');
    const refusal = await this.engine.runtimeProblem();
    if (refusal) throw E.noRuntime(refusal);
    const lease = this.lease(req.duration, req.lease);
    const category = req.volume.category.toUpperCase();
    const now = this.clock.now();
    const id = randomUUID();
    const row: NotebookRow = {
      id,
      project_id: caller.projectId,
      user_id: caller.userId,
      name: req.name,
      description: req.description ?? '',
      feature: req.feature ?? 'NOTEBOOK',
      workspace_id: req.workspace_id ?? '0',
      flavor: flavor.id,
      image_id: image.id,
      image: JSON.stringify(imageResponse(image)),
      volume: JSON.stringify({ category, ownership: 'MANAGED', capacity: req.volume.capacity ?? (category === 'EVS' ? 5 : 50) }),
      endpoints: JSON.stringify(req.endpoints ?? [{ dev_service: 'NOTEBOOK' }]),
      hooks: JSON.stringify(req.hooks ?? {}),
      status: 'CREATING',
      fail_reason: '',
      action_progress: JSON.stringify(progress(id, 0)),
      token: randomUUID(),
      lease_type: lease.type,
      lease_duration: lease.duration,
      lease_enable: 1,
      lease_create_at: now,
      lease_update_at: now,
      last_activity: now,
      create_at: now,
      update_at: now,
      pid: null,
      start_ticks: null,
      port: null,
      jupyter_token: '',
      cpu: flavor.amount.cpu,
      memory_mb: flavor.amount.memoryMb,
      snapshot_image_id: null,
      pool_name: poolName ?? null,
    };
    // The public pool answers at once; a dedicated pool without room now keeps the instance CREATING until room frees.
    const placed = this.engine.reserve(row);
    if (!placed && !poolName) throw E.soldOut(`flavor: ${flavor.id} does not fit in the local pool now (${describeFree(this.pool)})`);
    try {
      await this.store.insert(row);
    } catch (e) {
      this.engine.release(id);
      throw e;
    }
    await this.engine.event(id, 'CREATING', `created with flavor ${flavor.id} and image ${image.name}${poolName ? ` in resource pool ${poolName}` : ''}`);
    if (placed) this.launch(id, true);
    else await this.engine.waitForPool(row, true);
    return this.view(row, origin);
  }

  /** The dedicated pool named by pool_id: the project's, admitting notebooks, with a node the flavor fits on. */
  private async checkPool(projectId: string, poolId: string | undefined, flavor: NotebookFlavorSpec): Promise<string | undefined> {
    if (!poolId) return undefined;
    const placed = await this.pools.resolve(projectId, poolId, 'Notebook');
    if (!placed.ok) throw E.badParam(`pool_id: ${placed.message}`);
    if (!placed.pool.nodes().some((n) => flavor.amount.cpu <= n.capacity.cpu && flavor.amount.memoryMb <= n.capacity.memoryMb))
      throw E.soldOut(`flavor: ${flavor.id} is larger than every node of resource pool ${poolId}, so it can never run there`);
    return poolId;
  }

  private launch(id: string, first: boolean): void {
    this.engine.startInBackground(id, first);
  }

  async list(caller: Caller, q: Static<typeof ListNotebooksQuery>, origin: string): Promise<Static<typeof ListNotebooksResponse>> {
    const limit = q.limit ?? 10;
    const offset = q.offset ?? 0;
    const dir = (q.sort_dir ?? 'DESC') === 'ASC' ? 'asc' : 'desc';
    const keys = (q.sort_key ?? 'create_at')
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    const sort: NotebookQuery['sort'] = [];
    for (const k of keys) {
      if (!(SORTABLE as readonly string[]).includes(k)) throw E.badParam(`sort_key: ${k} cannot be sorted on; use ${SORTABLE.join(', ')}`);
      sort.push({ column: k as (typeof SORTABLE)[number], dir });
    }
    const { rows, total } = await this.store.list(caller.projectId, {
      ...(q.feature ? { feature: q.feature } : {}),
      ...(q.name ? { name: q.name } : {}),
      ...(q.status ? { status: q.status } : {}),
      ...(q.owner ? { owner: q.owner } : {}),
      ...(q.pool_id ? { poolName: q.pool_id } : {}),
      ...(q.workspaceId ? { workspaceId: q.workspaceId } : {}),
      sort,
      limit,
      offset,
    });
    return {
      current: Math.floor(offset / limit),
      data: (await Promise.all(rows.map((r) => this.engine.settle(r)))).map((r) => this.view(r, origin)),
      pages: Math.ceil(total / limit),
      size: limit,
      total,
    };
  }

  async show(projectId: string, id: string, origin: string): Promise<NotebookResp> {
    return this.view(await this.row(projectId, id), origin);
  }

  async update(projectId: string, id: string, req: UpdateNotebookRequest, origin: string): Promise<NotebookResp> {
    const row = await this.row(projectId, id);
    const patch: Partial<NotebookRow> = {};
    const stopped = STARTABLE.includes(row.status);
    if (req.flavor !== undefined && req.flavor !== row.flavor) {
      if (!stopped) throw E.notInStatus(row.status, 'flavor');
      const f = this.flavor(req.flavor);
      if (f.amount.cpu > this.pool.capacity.cpu || f.amount.memoryMb > this.pool.capacity.memoryMb) throw E.flavor(`${f.id} does not fit this host`);
      Object.assign(patch, { flavor: f.id, cpu: f.amount.cpu, memory_mb: f.amount.memoryMb });
    }
    if (req.image_id !== undefined && req.image_id !== row.image_id) {
      if (!stopped) throw E.notInStatus(row.status, 'image_id');
      const image = await this.image(projectId, req.image_id);
      Object.assign(patch, { image_id: image.id, image: JSON.stringify(imageResponse(image)) });
    }
    if (req.storage_new_size !== undefined) {
      const volume = JSON.parse(row.volume) as { capacity: number };
      if (req.storage_new_size < volume.capacity) throw E.badParam(`storage_new_size: the volume holds ${volume.capacity} GB and cannot shrink`);
      patch.volume = JSON.stringify({ ...volume, capacity: req.storage_new_size });
    }
    if (req.endpoints?.some((e) => e.dev_service === 'SSH')) throw E.badParam('endpoints.dev_service: SSH is not available (no SSH gateway is configured)');
    if (req.endpoints !== undefined) patch.endpoints = JSON.stringify(req.endpoints);
    if (req.hooks !== undefined) patch.hooks = JSON.stringify(req.hooks);
    if (req.name !== undefined) patch.name = req.name;
    if (req.description !== undefined) patch.description = req.description;
    patch.update_at = this.clock.now();
    await this.store.update(id, patch);
    return this.view({ ...row, ...patch }, origin);
  }

  async delete(projectId: string, id: string, origin: string): Promise<NotebookResp> {
    const row = await this.row(projectId, id);
    // SNAPSHOTTING: one operation at a time (6357); removing the volume would take the venv from under the copy.
    if (row.status === 'DELETING' || row.status === 'SNAPSHOTTING') throw E.busy(row.status);
    await this.store.update(id, { status: 'DELETING', update_at: this.clock.now() });
    await this.engine.event(id, 'DELETING', 'deleted by request');
    void (async () => {
      await this.engine.kill(id);
      this.engine.release(id);
      await this.engine.removeFiles(id);
      await this.store.delete(id);
    })().catch(async (err: unknown) => {
      this.log.error({ err, notebook: id }, 'notebook delete failed');
      await this.store.update(id, { status: 'DELETE_FAILED', fail_reason: String(err) }).catch(() => undefined);
    });
    return this.view({ ...row, status: 'DELETING' }, origin);
  }

  async start(projectId: string, id: string, q: { duration?: number; type?: 'TIMING' | 'IDLE' }, origin: string): Promise<NotebookResp> {
    const row = await this.row(projectId, id);
    if (row.status === 'RUNNING') throw E.alreadyRunning();
    if (row.status === 'STARTING' || row.status === 'CREATING' || row.status === 'INIT') throw E.starting();
    if (row.status === 'STOPPING') throw E.stopping();
    if (!STARTABLE.includes(row.status)) throw E.busy(row.status);
    const lease = this.lease(
      q.type === 'IDLE' ? undefined : q.duration,
      q.type === 'IDLE' ? { type: 'IDLE', ...(q.duration ? { duration: q.duration } : {}) } : undefined,
      {
        type: row.lease_type,
        duration: row.lease_duration,
      },
    );
    const placed = this.engine.reserve(row);
    if (!placed && !row.pool_name) throw E.soldOut(`flavor: ${row.flavor} does not fit in the local pool now (${describeFree(this.pool)})`);
    const now = this.clock.now();
    const patch: Partial<NotebookRow> = {
      status: 'STARTING',
      fail_reason: '',
      action_progress: JSON.stringify(progress(id, 0)),
      lease_type: lease.type,
      lease_duration: lease.duration,
      lease_create_at: now,
      lease_update_at: now,
      last_activity: now,
      update_at: now,
    };
    if (!(await this.store.update(id, patch, STARTABLE))) {
      this.engine.release(id);
      throw E.busy(row.status);
    }
    await this.engine.event(id, 'STARTING', 'started by request');
    if (placed) this.launch(id, false);
    else await this.engine.waitForPool({ ...row, ...patch }, false);
    return this.view({ ...row, ...patch }, origin);
  }

  async stop(projectId: string, id: string, origin: string): Promise<NotebookResp> {
    const row = await this.row(projectId, id);
    if (row.status === 'STOPPED') throw E.alreadyStopped();
    if (row.status === 'STOPPING') throw E.stopping();
    if (row.status === 'CREATING' || row.status === 'STARTING' || row.status === 'INIT') throw E.starting();
    // Refused until the image is saved (6357, another operation under way): a stop ends what the save was asked of a running instance.
    if (row.status === 'SNAPSHOTTING') throw E.busy(row.status);
    if (row.status !== 'RUNNING' && row.status !== 'ERROR') throw E.alreadyStopped();
    // Recorded before the answer, which says STOPPING: a read right after must not still see RUNNING.
    await this.store.update(id, { status: 'STOPPING', update_at: this.clock.now() }, ['RUNNING', 'ERROR']);
    void this.engine.stop(id, 'stopped by request').catch((err: unknown) => this.log.error({ err, notebook: id }, 'notebook stop failed'));
    return this.view({ ...row, status: 'STOPPING' }, origin);
  }

  async showLease(projectId: string, id: string): Promise<Lease> {
    return leaseOf(await this.row(projectId, id));
  }

  /** A new lease from now: a timed stop runs `duration` more ms; an idle stop counts idleness from now. */
  async renewLease(projectId: string, id: string, queryDuration: number | undefined, body: Static<typeof LeaseReq>): Promise<Lease> {
    const row = await this.row(projectId, id);
    // A SNAPSHOTTING instance runs (its lease only waits for the save), so its lease may be renewed.
    if (row.status !== 'RUNNING' && row.status !== 'SNAPSHOTTING') throw E.notRunning();
    const lease = this.lease(queryDuration, body, { type: row.lease_type, duration: row.lease_duration });
    const now = this.clock.now();
    const patch: Partial<NotebookRow> =
      lease.type === 'TIMING'
        ? { lease_type: 'TIMING', lease_duration: now - row.lease_create_at + lease.duration, lease_enable: 1, lease_update_at: now }
        : { lease_type: 'IDLE', lease_duration: lease.duration, lease_enable: 1, lease_update_at: now, last_activity: now };
    await this.store.update(id, patch);
    await this.engine.event(id, row.status, `lease renewed: ${lease.type} ${lease.duration} ms from now`);
    return leaseOf({ ...row, ...patch });
  }

  /** The instance's status history, a page of it (newest first unless sort_dir is ASC). */
  async events(projectId: string, id: string, q: Static<typeof ListNotebookEventsQuery>): Promise<ListNotebookEventsResponse> {
    await this.row(projectId, id);
    const { rows, total } = await this.store.eventPage(id, { limit: q.limit ?? 50, offset: q.offset ?? 0, dir: q.sort_dir === 'ASC' ? 'asc' : 'desc' });
    const events = rows.map((r) => ({ time: r.at, status: r.status as NotebookStatus, message: r.message }));
    return { total, count: events.length, events };
  }

  flavorsList(q: Static<typeof ListFlavorsQuery>): Static<typeof ListFlavorsResponse> {
    let list = this.flavors.map((f) => flavorResponse(f, this.pool));
    if (q.category && q.category !== 'CPU') list = [];
    list.sort((a, b) => ((q.sort_dir ?? 'DESC') === 'ASC' ? a.vcpus - b.vcpus : b.vcpus - a.vcpus));
    return page(list, q.offset, q.limit);
  }

  /** Flavors the instance may switch to: the others that fit this host. */
  async switchable(projectId: string, id: string, q: { offset?: number; limit?: number }): Promise<Static<typeof ListFlavorsResponse>> {
    const row = await this.row(projectId, id);
    const list = this.flavors
      .filter((f) => f.id !== row.flavor)
      .map((f) => flavorResponse(f, this.pool))
      .filter((f) => !f.sold_out);
    return page(list, q.offset, q.limit);
  }

  view(row: NotebookRow, origin: string): NotebookResp {
    const volume = JSON.parse(row.volume) as { category: string; ownership: string; capacity: number };
    return {
      action_progress: JSON.parse(row.action_progress) as NotebookResp['action_progress'],
      description: row.description,
      endpoints: JSON.parse(row.endpoints) as NotebookResp['endpoints'],
      ...(row.fail_reason ? { fail_reason: row.fail_reason } : {}),
      flavor: row.flavor,
      id: row.id,
      image: JSON.parse(row.image) as NotebookResp['image'],
      lease: leaseOf(row),
      name: row.name,
      status: row.status,
      token: row.token,
      url: `${origin}${proxyBase(row.project_id, row.id)}`,
      volume: { capacity: volume.capacity, category: volume.category, mount_path: `${MOUNT_PATH}/`, ownership: volume.ownership },
      workspace_id: row.workspace_id,
      feature: row.feature,
      ...(row.pool_name ? { pool: { id: row.pool_name, name: this.pools.get(row.pool_name)?.displayName ?? row.pool_name } } : {}),
    };
  }

  /** Instances in a transitional status (for the reconciler). */
  transitional(): Promise<NotebookRow[]> {
    return this.store.inStatus([...TRANSITIONAL, 'RUNNING']);
  }
}

function leaseOf(row: NotebookRow): Lease {
  return { create_at: row.lease_create_at, duration: row.lease_duration, enable: row.lease_enable === 1, type: row.lease_type, update_at: row.lease_update_at };
}

function page<T>(list: T[], offset = 0, limit?: number): { current: number; data: T[]; flavors: T[]; pages: number; size: number; total: number } {
  const size = limit ?? Math.max(1, list.length);
  const data = list.slice(offset, offset + size);
  return { current: Math.floor(offset / size), data, flavors: data, pages: Math.ceil(list.length / size), size, total: list.length };
}

function describeFree(pool: LocalPool): string {
  const f = pool.free();
  return `${f.cpu} cores and ${f.memoryMb} MB free`;
}

export function imageResponse(image: ImageEnvironment): NotebookResp['image'] {
  return { id: image.id, name: image.name, swr_path: image.swr_path, type: image.type, arch: 'X86_64' };
}
