// The notebook engine: starts an instance's Jupyter Server (volume, pool share, environment, hooks,
// the sandboxed process, its first answer), stops it, adopts it after a restart, and watches what
// ends it by itself: its lease (timed or idle), its volume going over capacity, its own exit.
import { CoalescedPasses } from '#src/core/serial.ts';
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Clock } from '#src/core/time.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import { LocalExecutor, type ProcessHandle } from '#src/runtime/local/local-executor.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import {
  EnvError,
  failureFromLog,
  findJupyterRuntime,
  freePort,
  INSTALL_HINT,
  jupyterWorkload,
  kernelActivity,
  prepareJupyterRuntime,
  preparedJupyterRuntime,
  systemJupyterRuntime,
  prepareInstanceEnv,
  askJupyter,
  type JupyterRuntime,
} from '#src/runtime/notebooks/index.ts';
import type { NotebookImages } from './ports.ts';
import type { NotebookStore } from './store.ts';
import type { NotebookRow, NotebookStatus } from './tables.ts';
import type { JobProgress } from './schemas.ts';

const du = promisify(execFile);
/** Where the volume is seen inside the sandbox, as on ModelArts. */
export const MOUNT_PATH = '/home/ma-user/work';
const READY_TIMEOUT_MS = 120_000;
const HOOK_TIMEOUT_MS = 300_000;
const WATCH_MS = 1000;
const CAPACITY_EVERY_MS = 10_000;

export interface NotebookLayout {
  root: string;
  work: string;
  home: string;
  runtimeDir: string;
  env: string;
  proc: string;
  log: string;
}

export interface NotebookEngineOptions {
  dataDir: string;
  runtimeDir: string;
  runtimeInstall: 'auto' | 'off';
  /** The system's jupyter-server used when the runtime folder holds none ('' for none). */
  systemJupyter: string;
}

/** Where the proxy reaches an instance's Jupyter, with the tokens it checks and presents. */
export interface Upstream {
  /** The address (127.0.0.1 when absent: a process on this host). */
  host?: string;
  port: number;
  jupyterToken: string;
  projectId: string;
  token: string;
}

interface Running {
  handle: ProcessHandle;
  port: number;
  jupyterToken: string;
  projectId: string;
  /** The instance's token, which the proxy admits. */
  token: string;
}

/** The key an instance holds its pool under. */
export const poolKey = (id: string) => `notebook-${id}`;

const STEPS = [
  'Prepare the volume',
  'Take the flavor from its pool (waiting there for room in a dedicated pool)',
  'Route the proxy to the instance',
  'Prepare the environment and start Jupyter',
];

export const progress = (id: string, done: number, failed = false): JobProgress[] =>
  STEPS.map((d, i) => ({
    notebook_id: id,
    step: i + 1,
    step_description: d,
    status: i < done ? 'COMPLETED' : i === done ? (failed ? 'FAILED' : 'PROCESSING') : 'WAITING',
  }));

/** Work another part of the family does around an instance's life (its OBS mounts). */
export interface NotebookLifecycle {
  /** The volume is ready and Jupyter not yet started. */
  beforeStart(id: string): Promise<void>;
  /** Jupyter has ended by a stop; the instance is not yet STOPPED. */
  stopped(id: string): Promise<void>;
  /** The volume is about to be removed: nothing may act on it any more. */
  removing(id: string): void;
}

export class NotebookEngine {
  private readonly executor: LocalExecutor;
  protected readonly lifecycle: NotebookLifecycle[] = [];
  private readonly running = new Map<string, Running>();
  protected readonly stopping = new Map<string, Promise<void>>();
  protected readonly starting = new Set<string>();
  /**
   * Instances whose share is held for a start the caller has not launched yet (it records the row and an event
   * first): busy, so a reconciler pass in between does not take them for a start a restart cut short.
   */
  private readonly launching = new Set<string>();
  /** When the proxy last passed a request to each instance, ms. */
  protected readonly touched = new Map<string, number>();
  protected timer: NodeJS.Timeout | undefined;
  private lastCapacityCheck = 0;
  private preparing: Promise<JupyterRuntime> | undefined;
  private found: JupyterRuntime | undefined;
  protected closed = false;
  /** Whether an instance's volume is a folder of this host (OBS mounts copy into it). */
  readonly volumeOnHost: boolean = true;
  /** Instances waiting for room in their dedicated pool, first in line first: whether it is their first start. */
  private readonly waiting = new Map<string, boolean>();
  private readonly admission = new CoalescedPasses(
    () => this.admitPass(),
    (err) => this.log.error({ err }, 'starting notebooks waiting for their pool failed'),
  );

  constructor(
    protected readonly opts: NotebookEngineOptions,
    protected readonly store: NotebookStore,
    protected readonly images: NotebookImages,
    protected readonly pools: PoolRegistry,
    protected readonly sandbox: Sandbox,
    protected readonly clock: Clock,
    protected readonly log: Logger,
  ) {
    this.executor = new LocalExecutor({ resources: sandbox.resources });
    pools.onRelease(() => this.admission.request());
  }

  /** Tells `l` of each start, stop and removal. */
  follow(l: NotebookLifecycle): void {
    this.lifecycle.push(l);
  }

  layout(id: string): NotebookLayout {
    const root = join(this.opts.dataDir, 'notebooks', id);
    return {
      root,
      work: join(root, 'work'),
      home: join(root, 'home'),
      runtimeDir: join(root, 'jupyter-runtime'),
      env: join(root, 'env'),
      proc: join(root, 'proc'),
      log: join(root, 'notebook.log'),
    };
  }

  /** The loopback address of a running instance's Jupyter, for the proxy. */
  upstream(id: string): Upstream | undefined {
    return this.running.get(id);
  }

  /**
   * The Jupyter another replica on this host started: its port and tokens are in the database, so a
   * request reaching any replica reaches the instance (replicas share a host with the local executor).
   */
  storedUpstream(row: NotebookRow): Upstream | undefined {
    if (row.status !== 'RUNNING' || row.port === null || row.jupyter_token === '') return undefined;
    return { port: row.port, jupyterToken: row.jupyter_token, projectId: row.project_id, token: row.token };
  }

  /** Readies what the reconciler's pass needs (nothing here: processes are adopted by their pid). */
  async prepare(): Promise<void> {}

  /** The proxy passed a request to the instance (it is not idle). */
  touch(id: string): void {
    this.touched.set(id, this.clock.now());
  }

  /** Whether a runtime exists or may be made on first use; the refusal otherwise. */
  async runtimeProblem(): Promise<string | undefined> {
    if (this.opts.runtimeInstall === 'auto') return undefined;
    if (await findJupyterRuntime(this.opts.runtimeDir, this.opts.systemJupyter)) return undefined;
    return `no Jupyter runtime is installed for notebooks: ${INSTALL_HINT}`;
  }

  /** The runtime found, kept for the next start (looked for again when it has gone). */
  private async runtime(): Promise<JupyterRuntime> {
    if (this.found && existsSync(this.found.server.at(-1)!)) return this.found;
    const prepared = await preparedJupyterRuntime(this.opts.runtimeDir);
    if (prepared) return (this.found = prepared);
    let why = 'no Jupyter runtime is installed';
    if (this.opts.runtimeInstall === 'auto') {
      this.preparing ??= prepareJupyterRuntime(this.opts.runtimeDir).finally(() => (this.preparing = undefined));
      try {
        return (this.found = await this.preparing);
      } catch (e) {
        why = (e as Error).message;
      }
    }
    // JupyterLab could not be had (PyPI out of reach, or installs off): the system's jupyter-server.
    const system = await systemJupyterRuntime(this.opts.systemJupyter);
    if (system) return (this.found = system);
    throw new Error(`${why}; ${INSTALL_HINT}`);
  }

  private note(id: string, text: string): void {
    try {
      appendFileSync(this.layout(id).log, `[${new Date(this.clock.now()).toISOString()}] atelier: ${text}\n`);
    } catch {
      // the folder is gone (deleted)
    }
  }

  /** A status change: stored with its event (the status history) and written to the instance log. */
  async event(id: string, status: string, message: string): Promise<void> {
    this.note(id, `${status}: ${message}`);
    await this.store.addEvent(id, this.clock.now(), status, message).catch(() => undefined);
  }

  /**
   * A SNAPSHOTTING instance whose image has left CREATING (ACTIVE, CREATE_FAILED, or deleted meanwhile)
   * is RUNNING again, with an event saying how the save ended; answers the row as it now is. Asked on
   * each read of the instance, by the watch and by the reconciler, so a restart leaves none behind.
   */
  async settle(row: NotebookRow): Promise<NotebookRow> {
    if (row.status !== 'SNAPSHOTTING') return row;
    const image = row.snapshot_image_id ? await this.images.savingStatus(row.project_id, row.snapshot_image_id) : undefined;
    if (image?.status === 'CREATING') return row;
    const now = this.clock.now();
    // Saving counts as activity: an idle lease starts counting again from here.
    const patch = { status: 'RUNNING' as const, snapshot_image_id: null, update_at: now, last_activity: now };
    if (!(await this.store.update(row.id, patch, ['SNAPSHOTTING']))) return (await this.store.getById(row.id)) ?? row;
    const what = `the image ${row.snapshot_image_id ?? '(unknown)'}`;
    await this.event(
      row.id,
      'RUNNING',
      !image
        ? `${what} was deleted before it was saved`
        : image.status === 'ACTIVE'
          ? `${what} is saved (ACTIVE)`
          : `saving ${what} ended ${image.status}: ${image.message}`,
    );
    return { ...row, ...patch };
  }

  /** The pool the instance runs in; undefined when its dedicated pool does not exist (now). */
  poolOf(row: Pick<NotebookRow, 'pool_name'>): LocalPool | undefined {
    return row.pool_name ? this.pools.get(row.pool_name)?.pool : this.pools.publicPool;
  }

  /** Holds the flavor's share of the instance's pool; false when it does not fit now. */
  reserve(row: Pick<NotebookRow, 'id' | 'cpu' | 'memory_mb' | 'pool_name' | 'name' | 'project_id'>): boolean {
    const pool = this.poolOf(row);
    const key = poolKey(row.id);
    if (!pool?.reserve(key, { cpu: row.cpu, memoryMb: row.memory_mb }, { kind: 'notebook', id: row.id, name: row.name, projectId: row.project_id }))
      return false;
    this.launching.add(row.id);
    const nodes = [
      ...new Set(
        pool
          .holdings()
          .find((h) => h.key === key)
          ?.placement.map((p) => p.node) ?? [],
      ),
    ].join(', ');
    this.pools.event(row.pool_name, 'Normal', 'NotebookScheduled', `notebook "${row.name}" (${row.id}) placed on ${nodes}`);
    return true;
  }

  /** Gives back the instance's share, in whichever pool holds it. */
  release(id: string): void {
    this.launching.delete(id);
    this.waiting.delete(id);
    const key = poolKey(id);
    this.pools.publicPool.release(key);
    for (const d of this.pools.list()) {
      if (!d.pool.has(key)) continue;
      const holder = d.pool.holdings().find((h) => h.key === key)?.holder;
      d.pool.release(key);
      this.pools.event(d.name, 'Normal', 'NotebookEnded', `notebook "${holder?.name ?? ''}" (${id}) left the pool`);
    }
  }

  /** The instance (CREATING or STARTING) waits for room in its dedicated pool; started once its share fits. */
  async waitForPool(row: Pick<NotebookRow, 'id' | 'name' | 'pool_name' | 'status'>, first: boolean): Promise<void> {
    this.waiting.set(row.id, first);
    // The volume step is done; taking the flavor from the pool is what it waits in.
    await this.store.update(row.id, { action_progress: JSON.stringify(progress(row.id, 1)), update_at: this.clock.now() });
    const what = this.poolOf(row) ? 'has no room for its flavor now' : 'does not exist now';
    const text = `waiting for room: resource pool ${row.pool_name ?? ''} ${what}`;
    await this.event(row.id, row.status, text);
    this.pools.event(row.pool_name, 'Warning', 'NotebookQueued', `notebook "${row.name}" (${row.id}) is ${text}`);
  }

  /** Whether the instance waits for room in its pool, and its place in line (1 = next) among those of the same pool. */
  queuePosition(id: string, sameLine: (otherId: string) => boolean): number | undefined {
    if (!this.waiting.has(id)) return undefined;
    return [...this.waiting.keys()].filter(sameLine).indexOf(id) + 1;
  }

  /** Starts the waiting instances whose share fits now, first come first served within each pool. */
  private async admitPass(): Promise<void> {
    const blocked = new Set<string>();
    for (const [id, first] of [...this.waiting]) {
      const row = await this.store.getById(id);
      if (!row || !['INIT', 'CREATING', 'STARTING'].includes(row.status)) {
        this.waiting.delete(id);
        continue;
      }
      if (this.busy(id)) continue;
      if (blocked.has(row.pool_name ?? '')) continue;
      if (!this.reserve(row)) {
        blocked.add(row.pool_name ?? '');
        continue;
      }
      this.waiting.delete(id);
      this.startInBackground(id, first);
    }
  }

  /**
   * Starts the instance whose pool share is already held; runs in the background, moving its status
   * to RUNNING, or to CREATE_FAILED / START_FAILED with the reason (the share given back).
   */
  async start(id: string, first: boolean): Promise<void> {
    this.starting.add(id);
    try {
      await this.startSteps(id, first);
    } finally {
      this.starting.delete(id);
    }
  }

  startInBackground(id: string, first: boolean): void {
    void this.start(id, first)
      .catch((err: unknown) => this.log.error({ err, notebook: id }, 'notebook start failed'))
      .finally(() => this.launching.delete(id));
  }

  /** Whether a start or a stop of the instance is under way in this process. */
  busy(id: string): boolean {
    return this.launching.has(id) || this.starting.has(id) || this.stopping.has(id);
  }

  private async startSteps(id: string, first: boolean): Promise<void> {
    const failed: NotebookStatus = first ? 'CREATE_FAILED' : 'START_FAILED';
    const L = this.layout(id);
    let step = 0;
    const setProgress = (patch: Partial<NotebookRow> = {}) =>
      this.store.update(id, { action_progress: JSON.stringify(progress(id, step)), update_at: this.clock.now(), ...patch });
    try {
      for (const d of [L.work, L.home, L.runtimeDir, L.proc]) mkdirSync(d, { recursive: true });
      step = 2; // the volume is there; the share was taken by the caller
      await setProgress();
      step = 3; // the proxy finds the instance by id once it runs
      await setProgress();
      const row = await this.store.getById(id);
      if (!row) return;
      const image = await this.images.image(row.project_id, row.image_id);
      if (!image) throw new Error(`the image ${row.image_id} is no longer available`);
      const domainId = await this.sandbox.admitProject(row.project_id);
      const runtime = await this.runtime();
      const env = await prepareInstanceEnv(L.env, { python: image.python, name: image.name, ...(image.prefix ? { prefix: image.prefix } : {}) }, runtime);
      for (const l of this.lifecycle) await l.beforeStart(id);
      await this.sandbox.handOver([L.work, L.home, L.runtimeDir, L.env]);
      if (this.closed) throw new Error('the server is shutting down');
      await this.store.update(id, { status: 'STARTING', update_at: this.clock.now() });
      await this.event(id, 'STARTING', `Jupyter Server (${runtime.kind === 'pypi' ? 'JupyterLab' : "Debian's jupyter-server"}) is starting`);
      const limits = { cpu: row.cpu, memoryMb: row.memory_mb };
      const hooks = hooksOf(row);
      const confined = this.sandbox.confined;
      const inside = confined ? MOUNT_PATH : L.work;
      const mounts = confined ? [{ source: L.work, target: MOUNT_PATH }] : [];
      const pre = hooks.pre_start;
      if (pre?.script) await this.runHook(id, 'pre_start', pre, { domainId, limits, mounts, inside, env: env.readable });
      const port = await freePort();
      const jupyterToken = randomBytes(24).toString('hex');
      const baseUrl = proxyBase(row.project_id, id);
      const spec = jupyterWorkload({
        name: `notebook-${id}`,
        port,
        token: jupyterToken,
        baseUrl,
        runtime,
        env,
        layout: { work: inside, home: L.home, runtimeDir: L.runtimeDir },
        limits,
        domainId,
      });
      const workload = { ...spec, writable: spec.writable.filter((p) => p !== inside).concat(confined ? [] : [L.work]), mounts };
      const launch = this.sandbox.launch(workload);
      const handle = await this.executor.spawn({ dir: L.proc, command: launch.command, cwd: L.work, env: launch.env, logFile: L.log, group: launch.group });
      await this.store.update(id, { pid: handle.pid, start_ticks: handle.startTicks, port, jupyter_token: jupyterToken });
      this.poolOf(row)?.track(poolKey(id), handle.pid);
      let exited = false;
      void handle.exited.then(() => (exited = true));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        if (exited) throw new Error(`Jupyter Server exited while starting: ${failureFromLog(L.log) ?? 'no output'}`);
        if (Date.now() > deadline) {
          this.executor.kill(handle.pid, handle.startTicks, 0);
          throw new Error(`Jupyter Server did not answer within ${READY_TIMEOUT_MS / 1000} s: ${failureFromLog(L.log) ?? 'no output'}`);
        }
        const ok = await askJupyter(port, baseUrl, jupyterToken, 'status', 1000).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      this.running.set(id, { handle, port, jupyterToken, projectId: row.project_id, token: row.token });
      this.watchExit(id, handle);
      const post = hooks.post_start;
      if (post?.script) await this.runHook(id, 'post_start', post, { domainId, limits, mounts, inside, env: env.readable }).catch(() => undefined);
      step = 4;
      const now = this.clock.now();
      await setProgress({ status: 'RUNNING', fail_reason: '', last_activity: now, snapshot_image_id: null });
      await this.event(id, 'RUNNING', `Jupyter Server answers on 127.0.0.1:${port}`);
      this.ensureTimer();
    } catch (e) {
      const reason = e instanceof EnvError || e instanceof Error ? e.message : String(e);
      const r = this.running.get(id);
      this.running.delete(id);
      const row = await this.store.getById(id);
      if (r) this.executor.kill(r.handle.pid, r.handle.startTicks, 0);
      else if (row?.pid && row.start_ticks) this.executor.kill(row.pid, row.start_ticks, 0);
      this.release(id);
      if (row && row.status !== 'DELETING') {
        await this.store.update(id, {
          status: failed,
          fail_reason: reason.slice(0, 1000),
          action_progress: JSON.stringify(progress(id, step, true)),
          pid: null,
          port: null,
        });
        await this.event(id, failed, reason);
      }
    }
  }

  /** Runs a hook in the sandbox, in the volume, its output in the instance log; throws when it fails. */
  private async runHook(
    id: string,
    which: string,
    hook: HookSpec,
    o: { domainId: string; limits: { cpu: number; memoryMb: number }; mounts: { source: string; target: string }[]; inside: string; env: string[] },
  ): Promise<void> {
    const L = this.layout(id);
    const command = hookCommand(hook);
    this.note(id, `${which} hook starts`);
    const launch = this.sandbox.launch({
      name: `notebook-${id}-${which}`,
      command,
      cwd: o.inside,
      env: { HOME: L.home, PATH: `${L.env}/bin:/usr/local/bin:/usr/bin:/bin` },
      writable: o.mounts.length > 0 ? [L.home, L.env] : [L.work, L.home, L.env],
      readable: o.env,
      mounts: o.mounts,
      limits: o.limits,
      domainId: o.domainId,
    });
    const dir = join(L.proc, which);
    const h = await this.executor.spawn({ dir, command: launch.command, cwd: L.work, env: launch.env, logFile: L.log, group: launch.group });
    const timer = setTimeout(() => this.executor.kill(h.pid, h.startTicks, 0), HOOK_TIMEOUT_MS);
    const exit = await h.exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
    if (exit.code !== 0) throw new Error(`the ${which} hook failed (exit ${exit.code ?? exit.signal}); see the instance log`);
    this.note(id, `${which} hook done`);
  }

  private watchExit(id: string, handle: ProcessHandle): void {
    void handle.exited.then(async () => {
      if (this.running.get(id)?.handle !== handle) return;
      this.running.delete(id);
      this.release(id);
      if (this.stopping.has(id) || this.closed) return;
      const reason = `Jupyter Server ended by itself: ${failureFromLog(this.layout(id).log) ?? 'no output'}`;
      const patch = {
        status: 'ERROR' as const,
        fail_reason: reason.slice(0, 1000),
        pid: null,
        port: null,
        snapshot_image_id: null,
        update_at: this.clock.now(),
      };
      if (await this.store.update(id, patch, ['RUNNING', 'SNAPSHOTTING'])) await this.event(id, 'ERROR', reason);
    });
  }

  /** Stops the instance's Jupyter (when it runs) and marks it STOPPED with the reason as an event. */
  stop(id: string, reason: string, failReason = ''): Promise<void> {
    const ongoing = this.stopping.get(id);
    if (ongoing) return ongoing;
    const p = (async () => {
      await this.store.update(id, { status: 'STOPPING', update_at: this.clock.now() });
      await this.event(id, 'STOPPING', reason);
      await this.kill(id);
      this.release(id);
      for (const l of this.lifecycle) await l.stopped(id).catch((err: unknown) => this.log.error({ err, notebook: id }, 'after-stop step failed'));
      await this.store.update(id, { status: 'STOPPED', pid: null, port: null, snapshot_image_id: null, fail_reason: failReason, update_at: this.clock.now() }, [
        'STOPPING',
      ]);
      await this.event(id, 'STOPPED', reason);
    })().finally(() => this.stopping.delete(id));
    this.stopping.set(id, p);
    return p;
  }

  /** Ends the instance's process group and waits for it (or for a stored pid of before a restart). */
  async kill(id: string): Promise<void> {
    const r = this.running.get(id);
    this.running.delete(id);
    if (r) {
      this.executor.kill(r.handle.pid, r.handle.startTicks, 2000);
      await r.handle.exited;
      return;
    }
    const row = await this.store.getById(id);
    if (row?.pid && row.start_ticks) {
      const h = this.executor.adopt(row.pid, row.start_ticks, this.layout(id).proc);
      if (h) {
        this.executor.kill(h.pid, h.startTicks, 2000);
        await h.exited;
      }
    }
  }

  /** Removes the instance's folders (volume, environment, log). */
  async removeFiles(id: string): Promise<void> {
    for (const l of this.lifecycle) l.removing(id);
    rmSync(this.layout(id).root, { recursive: true, force: true });
  }

  /** After a restart: adopts a live Jupyter of a RUNNING (or SNAPSHOTTING) instance; false when there is none. */
  adopt(row: NotebookRow): boolean {
    if (this.running.has(row.id)) return true;
    if (!row.pid || !row.start_ticks || !row.port) return false;
    const handle = this.executor.adopt(row.pid, row.start_ticks, this.layout(row.id).proc);
    if (!handle) return false;
    const pool = this.poolOf(row);
    pool?.set(poolKey(row.id), { cpu: row.cpu, memoryMb: row.memory_mb }, { kind: 'notebook', id: row.id, name: row.name, projectId: row.project_id });
    pool?.track(poolKey(row.id), handle.pid);
    this.running.set(row.id, { handle, port: row.port, jupyterToken: row.jupyter_token, projectId: row.project_id, token: row.token });
    this.watchExit(row.id, handle);
    this.ensureTimer();
    return true;
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  protected ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.watch(), WATCH_MS);
    this.timer.unref();
  }

  /** One look at every running instance: its lease, its idleness and its volume's size. */
  async watch(): Promise<void> {
    if (this.running.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = this.clock.now();
    const checkCapacity = now - this.lastCapacityCheck >= CAPACITY_EVERY_MS;
    if (checkCapacity) this.lastCapacityCheck = now;
    for (const [id, r] of [...this.running]) {
      if (this.stopping.has(id)) continue;
      const found = await this.store.getById(id);
      // While the image is saved the lease waits: a stop would take the instance away mid-save.
      const row = found && (await this.settle(found));
      if (!row || row.status !== 'RUNNING') continue;
      if (row.lease_enable && row.lease_type === 'TIMING' && now >= row.lease_create_at + row.lease_duration) {
        void this.stop(id, `the lease of ${row.lease_duration} ms ran out`, 'Stopped by its lease (timed stop)').catch((err: unknown) =>
          this.log.error({ err }, 'lease stop'),
        );
        continue;
      }
      if (row.lease_enable && row.lease_type === 'IDLE') {
        const seen = await kernelActivity(r.port, proxyBase(row.project_id, id), r.jupyterToken);
        const last = Math.max(row.last_activity, seen ?? 0, row.lease_update_at, this.touched.get(id) ?? 0);
        if (last > row.last_activity) await this.store.update(id, { last_activity: last });
        if (now - last >= row.lease_duration) {
          void this.stop(id, `idle for ${row.lease_duration} ms`, 'Stopped by its lease (idle stop)').catch((err: unknown) =>
            this.log.error({ err }, 'idle stop'),
          );
          continue;
        }
      }
      if (checkCapacity) {
        const capacityGb = (JSON.parse(row.volume) as { capacity: number }).capacity;
        const usedKb = await volumeKb(this.layout(id).work);
        if (usedKb !== undefined && usedKb > capacityGb * 1024 * 1024)
          void this.stop(
            id,
            `the volume holds ${Math.round(usedKb / 1024)} MB, over its capacity of ${capacityGb} GB`,
            'Stopped: the volume is over its capacity',
          ).catch((err: unknown) => this.log.error({ err }, 'capacity stop'));
      }
    }
  }

  /** Stops watching; the Jupyter processes keep running and a restarted server adopts them. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.stopping.values()]);
    this.executor.close();
  }
}

export interface HookSpec {
  script?: string;
  type?: 'COMMAND' | 'SCRIPT';
}

/** What a start hook runs: a COMMAND is a base64 shell command line, a SCRIPT the path of a script in the volume. */
export function hookCommand(hook: HookSpec): string[] {
  if ((hook.type ?? 'SCRIPT') === 'COMMAND') return ['/bin/sh', '-c', Buffer.from(hook.script ?? '', 'base64').toString('utf8')];
  return ['/bin/sh', hook.script ?? ''];
}

/** The start hooks of an instance's row. */
export const hooksOf = (row: Pick<NotebookRow, 'hooks'>) =>
  (JSON.parse(row.hooks) as { container_hooks?: { pre_start?: HookSpec; post_start?: HookSpec } }).container_hooks ?? {};

/** The path the proxy serves an instance's Jupyter at (also Jupyter's base_url). */
export const proxyBase = (projectId: string, id: string) => `/v1/${projectId}/notebooks/${id}/lab/`;

async function volumeKb(dir: string): Promise<number | undefined> {
  try {
    const { stdout } = await du('du', ['-sk', dir], { timeout: 30_000 });
    return Number(stdout.split('\t')[0]);
  } catch {
    return undefined;
  }
}
