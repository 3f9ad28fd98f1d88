// The notebook engine of the kubernetes executor: an instance is a StatefulSet of one pod (notebook-manifest.ts) whose
// claim holds the volume. A start creates the objects (or scales the StatefulSet to 1), a stop scales it to 0 and keeps
// the claim, a delete removes every object and the claim. The status follows the pod from a watch: RUNNING once the
// pod is Ready, CREATE_FAILED / START_FAILED / ERROR with the kubelet's reason. The proxy reaches the pod at its IP.
// Pool shares, events, the reconciler's rules and the service are the local engine's; what runs where is this file's.
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import { randomBytes } from 'node:crypto';
import type { KubeTarget } from '#src/runtime/kubernetes/kube-config.ts';
import { largestNode, listNodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import { notebookObjectName, notebookObjects } from '#src/runtime/kubernetes/notebook-manifest.ts';
import { NotebookClient } from '#src/runtime/kubernetes/notebook-objects.ts';
import { withStorageSync } from '#src/runtime/kubernetes/notebook-sync-manifest.ts';
import { NotebookWatch, notebookPodState, type NotebookPodState } from '#src/runtime/kubernetes/notebook-watch.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hookCommand, hooksOf, NotebookEngine, poolKey, progress, proxyBase, type Upstream } from './engine.ts';
import type { NotebookFlavorSpec } from './flavors.ts';
import type { NotebookRow, NotebookStatus } from './tables.ts';

const STOP_WAIT_MS = 120_000;
const LEASE_EVERY_MS = 1000;

export interface KubeNotebookSettings {
  target: KubeTarget;
  /** The container image instances of a built-in image run (--kube-image): it must hold jupyter-server. */
  image: string;
  /** The port Jupyter listens on in the pod. */
  port: number;
  /** The installation's closed networks and pull secrets, for every pod. */
  defaults: WorkloadDefaults;
  /** The ledger of the cluster's nodes the other families reserve against too (its own one without). */
  clusterPool?: LocalPool;
  /** The OBS mounts' sync sidecar (Atelier's own image), when the pods can reach the store. */
  storageSync?: { image: string };
}

type EngineArgs = ConstructorParameters<typeof NotebookEngine>;

export class KubeNotebookEngine extends NotebookEngine {
  readonly client: NotebookClient;
  private readonly podWatch: NotebookWatch;
  private readonly watching: Promise<void>;
  /** The instances this server follows, and whether the current start is their first (a failure is CREATE_FAILED). */
  private readonly followed = new Map<string, { first: boolean }>();
  /** The last waiting reason recorded for each instance, so each is recorded once. */
  private readonly lastReason = new Map<string, string>();
  /**
   * The failure each instance's pod showed when the watch reported it, until the next start: the StatefulSet controller
   * replaces a Failed pod at once, so by the time a check (or an adoption after a restart) reads the cache it may be gone.
   */
  private readonly failures = new Map<string, NotebookPodState>();
  /** One check at a time per instance: the watch reports changes faster than the database takes them. */
  private readonly checks = new Map<string, Promise<void>>();
  private leaseTimer: NodeJS.Timeout | undefined;
  override readonly volumeOnHost = false;
  /** What instances of no pool are admitted against: the cluster's nodes (this host's size until they are listed). */
  readonly clusterPool: LocalPool;

  constructor(
    private readonly kube: KubeNotebookSettings,
    ...args: EngineArgs
  ) {
    super(...args);
    this.clusterPool = kube.clusterPool ?? LocalPool.dedicated([...this.pools.publicPool.nodes()]);
    this.client = new NotebookClient(kube.target.kc, kube.target.namespace);
    this.podWatch = new NotebookWatch(kube.target.kc, kube.target.namespace, (id, pod) => {
      const state = pod ? notebookPodState(pod) : undefined;
      if (state?.kind === 'failed' && !this.failures.has(id)) this.failures.set(id, state);
      void this.check(id);
    });
    this.watching = this.podWatch.start().catch((err: unknown) => this.log.error({ err }, 'the notebook watch did not start'));
  }

  /**
   * Cuts the flavors from the largest node of the cluster, as training does, and admits instances of no pool against
   * all its schedulable nodes. Without the right to list nodes this host's flavors and size stay, and the log says so.
   */
  async useClusterNodes(flavors: NotebookFlavorSpec[]): Promise<void> {
    let nodes;
    try {
      nodes = await listNodeCapacity(this.kube.target.kc);
    } catch (err) {
      this.log.warn({ err }, "the cluster's nodes cannot be listed (a ClusterRole with nodes list is needed): notebook flavors follow this host");
      return;
    }
    if (nodes.length === 0) return;
    const largest = largestNode(nodes);
    const slices = cpuSlices({ cpu: Math.floor(largest.cpu), memoryMb: largest.memoryMb }).map((s) => ({ ...s, arch: largest.arch }));
    flavors.splice(0, flavors.length, ...slices);
    this.clusterPool.setNodes(nodes.map((n) => ({ name: n.name, capacity: { cpu: n.cpu, memoryMb: n.memoryMb } })));
  }

  override poolOf(row: Pick<NotebookRow, 'pool_name'>): LocalPool | undefined {
    return row.pool_name ? super.poolOf(row) : this.clusterPool;
  }

  override release(id: string): void {
    this.clusterPool.release(poolKey(id));
    super.release(id);
  }

  override async runtimeProblem(): Promise<string | undefined> {
    return this.kube.image ? undefined : 'the kubernetes executor has no notebook image: set --kube-image to an image with jupyter-server';
  }

  override async prepare(): Promise<void> {
    await this.watching;
    const removed = await this.client.removeOrphans(async (id) => {
      const row = await this.store.getById(id);
      return !!row && row.status !== 'DELETED';
    });
    if (removed.length) this.log.info({ removed }, 'removed the Kubernetes objects of notebooks that no longer exist');
  }

  override async start(id: string, first: boolean): Promise<void> {
    this.starting.add(id);
    try {
      await this.launch(id, first);
    } catch (e) {
      await this.fail(id, first, e instanceof Error ? e.message : String(e));
    } finally {
      this.starting.delete(id);
    }
  }

  private async launch(id: string, first: boolean): Promise<void> {
    await this.watching;
    const row = await this.store.getById(id);
    if (!row) return;
    const jupyterToken = row.jupyter_token || randomBytes(24).toString('hex');
    const name = notebookObjectName(id);
    // A registered container image runs as it is (it must serve Jupyter); built-in images are --kube-image's interpreter.
    const image = (await this.images.image(row.project_id, row.image_id))?.container ?? this.kube.image;
    const made = notebookObjects({
      notebookId: id,
      projectId: row.project_id,
      namespace: this.kube.target.namespace,
      image,
      baseUrl: proxyBase(row.project_id, id),
      token: jupyterToken,
      volumeGb: (JSON.parse(row.volume) as { capacity: number }).capacity,
      running: true,
      env: {},
      hooks: kubeHooks(row),
      share: { cpu: row.cpu, memoryMb: row.memory_mb },
      port: this.kube.port,
      ...this.kube.defaults,
      // a notebook of a dedicated pool runs on the pool's nodes, counted by the pool's quota
      ...(row.pool_name ? poolPlacement(row.pool_name) : {}),
    });
    const sync = this.kube.storageSync;
    const objects = sync ? { ...made, statefulSet: withStorageSync(made.statefulSet, id, sync) } : made;
    // the OBS mounts' list is in the storage Secret before the pod reads it
    for (const l of this.lifecycle) await l.beforeStart(id);
    await this.store.update(id, {
      status: 'STARTING',
      jupyter_token: jupyterToken,
      port: this.kube.port,
      action_progress: JSON.stringify(progress(id, 2)),
      update_at: this.clock.now(),
    });
    this.failures.delete(id);
    const applied = await this.client.apply(objects);
    this.followed.set(id, { first });
    this.lastReason.delete(id);
    await this.event(
      id,
      'STARTING',
      `${applied === 'created' ? 'created' : 'scaled to 1'} the StatefulSet ${name} in namespace ${this.kube.target.namespace} (image ${image})`,
    );
    await this.store.update(id, { action_progress: JSON.stringify(progress(id, 3)), update_at: this.clock.now() });
    await this.check(id);
  }

  /** The start or the pod failed: the StatefulSet goes to 0 (the claim stays), the share is given back, the reason recorded. */
  private async fail(id: string, first: boolean, reason: string, from: NotebookStatus[] = ['INIT', 'CREATING', 'STARTING']): Promise<void> {
    this.followed.delete(id);
    this.failures.delete(id);
    await this.client.scale(notebookObjectName(id), 0).catch((err: unknown) => this.log.warn({ err, notebook: id }, 'scaling a failed notebook to 0'));
    this.release(id);
    const status: NotebookStatus = from.includes('RUNNING') ? 'ERROR' : first ? 'CREATE_FAILED' : 'START_FAILED';
    const patch = { status, fail_reason: reason.slice(0, 1000), port: null, update_at: this.clock.now() };
    const failedProgress = status === 'ERROR' ? {} : { action_progress: JSON.stringify(progress(id, 3, true)) };
    if (!(await this.store.update(id, { ...patch, ...failedProgress }, from))) return;
    await this.event(id, status, reason);
    // the mounts end with the pod, as at a stop (their sidecar copies back as the pod goes), without holding up the status
    for (const l of this.lifecycle) void l.stopped(id).catch((err: unknown) => this.log.error({ err, notebook: id }, 'after-failure step failed'));
  }

  /** Moves the instance's status after a change to its pod. */
  private check(id: string): Promise<void> {
    const next = (this.checks.get(id) ?? Promise.resolve())
      .then(() => this.checkNow(id))
      .catch((err: unknown) => this.log.error({ err, notebook: id }, 'following a notebook pod failed'));
    this.checks.set(id, next);
    void next.finally(() => {
      if (this.checks.get(id) === next) this.checks.delete(id);
    });
    return next;
  }

  private async checkNow(id: string): Promise<void> {
    const f = this.followed.get(id);
    if (!f || this.stopping.has(id) || this.closed) return;
    const row = await this.store.getById(id);
    if (!row) return;
    const state = this.failures.get(id) ?? this.podWatch.podState(id);
    const pod = `${notebookObjectName(id)}-0`;
    if (row.status === 'CREATING' || row.status === 'STARTING') {
      if (state.kind === 'ready') {
        const now = this.clock.now();
        const patch = {
          status: 'RUNNING' as const,
          fail_reason: '',
          last_activity: now,
          snapshot_image_id: null,
          action_progress: JSON.stringify(progress(id, 4)),
          update_at: now,
        };
        if (await this.store.update(id, patch, ['CREATING', 'STARTING']))
          await this.event(id, 'RUNNING', `the pod ${pod} is Ready; Jupyter answers at ${state.podIp}:${this.kube.port}`);
        this.ensureLeases();
      } else if (state.kind === 'failed') {
        await this.fail(id, f.first, `the pod ${pod} failed: ${state.reason}`);
      } else if (state.kind === 'pending' && this.lastReason.get(id) !== state.reason) {
        this.lastReason.set(id, state.reason);
        await this.event(id, row.status, `the pod ${pod}: ${state.reason}`);
      }
    } else if ((row.status === 'RUNNING' || row.status === 'SNAPSHOTTING') && state.kind === 'failed') {
      await this.fail(id, false, `the pod ${pod} failed: ${state.reason}`, ['RUNNING', 'SNAPSHOTTING']);
    }
  }

  override upstream(): Upstream | undefined {
    return undefined;
  }

  /** Any replica reaches the pod: the address comes from its watch, the tokens from the database. */
  override storedUpstream(row: NotebookRow): Upstream | undefined {
    if (row.status !== 'RUNNING' && row.status !== 'SNAPSHOTTING') return undefined;
    const state = this.podWatch.podState(row.id);
    if (state.kind !== 'ready' || !row.jupyter_token) return undefined;
    return { host: state.podIp, port: row.port ?? this.kube.port, jupyterToken: row.jupyter_token, projectId: row.project_id, token: row.token };
  }

  /** A start this server follows is under way until the pod is Ready or fails (the periodic reconciler leaves it be). */
  override busy(id: string): boolean {
    return super.busy(id) || (this.followed.has(id) && this.podWatch.podState(id).kind !== 'ready');
  }

  /** Followed by this server and Ready (the reconciler adopts an instance this server does not follow yet). */
  override isRunning(id: string): boolean {
    return this.followed.has(id) && this.podWatch.podState(id).kind === 'ready';
  }

  /** A RUNNING instance whose StatefulSet is there is followed again (found by its labels). */
  override adopt(row: NotebookRow): boolean {
    const set = this.podWatch.statefulSet(row.id);
    if (!set || (set.spec?.replicas ?? 0) < 1) return false;
    this.followed.set(row.id, { first: false });
    const pool = this.poolOf(row);
    pool?.set(poolKey(row.id), { cpu: row.cpu, memoryMb: row.memory_mb }, { kind: 'notebook', id: row.id, name: row.name, projectId: row.project_id });
    void this.check(row.id);
    this.ensureLeases();
    return true;
  }

  /** Scales the StatefulSet to 0 and waits for its pod to be on its way out; the claim stays. */
  override async kill(id: string): Promise<void> {
    this.followed.delete(id);
    await this.watching;
    if (!(await this.client.scale(notebookObjectName(id), 0))) return;
    const deadline = Date.now() + STOP_WAIT_MS;
    while (this.podWatch.podState(id).kind !== 'absent' && Date.now() < deadline && !this.closed) await new Promise((r) => setTimeout(r, 100));
  }

  override async removeFiles(id: string): Promise<void> {
    this.followed.delete(id);
    this.failures.delete(id);
    await this.client.remove(id);
    await super.removeFiles(id);
  }

  private ensureLeases(): void {
    if (this.leaseTimer || this.closed) return;
    this.leaseTimer = setInterval(() => void this.leases().catch((err: unknown) => this.log.error({ err }, 'notebook leases')), LEASE_EVERY_MS);
    this.leaseTimer.unref();
  }

  /** Timed leases stop the instance when they run out; idle ones when the proxy has passed nothing for their duration. */
  private async leases(): Promise<void> {
    const now = this.clock.now();
    for (const id of [...this.followed.keys()]) {
      if (this.stopping.has(id)) continue;
      const row = await this.store.getById(id);
      if (!row || row.status !== 'RUNNING' || !row.lease_enable) continue;
      if (row.lease_type === 'TIMING' && now >= row.lease_create_at + row.lease_duration) {
        void this.stop(id, `the lease of ${row.lease_duration} ms ran out`, 'Stopped by its lease (timed stop)').catch(() => undefined);
      } else if (row.lease_type === 'IDLE') {
        const last = Math.max(row.last_activity, row.lease_update_at, this.touched.get(id) ?? 0);
        if (last > row.last_activity) await this.store.update(id, { last_activity: last });
        if (now - last >= row.lease_duration)
          void this.stop(id, `idle for ${row.lease_duration} ms`, 'Stopped by its lease (idle stop)').catch(() => undefined);
      }
    }
  }

  override async close(): Promise<void> {
    clearInterval(this.leaseTimer);
    this.leaseTimer = undefined;
    await super.close();
    await Promise.allSettled([...this.checks.values()]);
    await this.podWatch.stop().catch(() => undefined);
  }
}

/** The instance's start hooks as its pod runs them: pre_start before Jupyter (an init container), post_start after. */
function kubeHooks(row: Pick<NotebookRow, 'hooks'>): { preStart?: string[]; postStart?: string[] } {
  const { pre_start: pre, post_start: post } = hooksOf(row);
  return { ...(pre?.script ? { preStart: hookCommand(pre) } : {}), ...(post?.script ? { postStart: hookCommand(post) } : {}) };
}
