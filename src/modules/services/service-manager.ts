import { CoalescedPasses } from '#src/core/serial.ts';
import type { Principal } from '#src/auth/principal.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { DeployCancelledError, ServingHost, type HostOptions } from '#src/runtime/serving/serving-host.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import { BatchRunner } from './batch-runner.ts';
import { BATCH_DRIVER_SHARE, type KubeBatch } from './kube-batch.ts';
import { serviceErrors } from './errors.ts';
import { InferenceStats } from './inference-stats.ts';
import type { DeployableModels } from './ports.ts';
import type { CreateServiceRequest, UpdateServiceRequest } from './schemas.ts';
import { LOCAL_CLUSTER_ID, ServiceFlavors } from './flavors.ts';
import { ServiceConfigs, storedAmount } from './service-configs.ts';
import { deploymentsOf, modelsOf } from './service-deployments.ts';
import { ServiceEvents } from './service-events.ts';
import { hostedElsewhere, recordedElsewhere, recordOf, stopOrphans } from './endpoints.ts';
import type { ServiceCluster, ServiceClusterListener } from './service-cluster.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceRow, ServiceStatus, ServiceUpdateLogRow } from './tables.ts';
import type { StoredConfig } from './views.ts';

const UNIT_MS = { MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;
/** How often a replica checks the services it runs against the database (stopped or moved elsewhere through another replica). */
const SWEEP_MS = 3_000;

/**
 * Real-time services: deploy, update, stop/start, delete; the instances run on the ServingHost, or on the cluster when
 * there is one (the kubernetes executor).
 */
export class ServiceManager {
  readonly host: ServingHost;
  readonly cluster: ServiceCluster | undefined;
  readonly stats: InferenceStats;
  /** Names this manager's ServingHost in the endpoints it records (replicas may share a process in tests). */
  private readonly hostId = uuid();
  private readonly ops = new Map<string, Promise<void>>();
  private readonly events: ServiceEvents;
  private readonly configs: ServiceConfigs;
  private readonly batch: BatchRunner;
  /** Batch runs are Jobs of the cluster (kube-batch.ts). */
  private readonly batchOnCluster: boolean;
  private closing = false;
  private sweeper: NodeJS.Timeout | undefined;
  /** Services waiting for room in their dedicated pool, in arrival order, with the update log entry their start completes. */
  private readonly waiting = new Map<string, string | undefined>();
  // A failed pass is retried by the next release, or by the reconciler.
  private readonly admission = new CoalescedPasses(
    () => this.admitPass(),
    () => undefined,
  );

  constructor(
    private readonly store: ServiceStore,
    private readonly models: DeployableModels,
    private readonly pools: PoolRegistry,
    private readonly clock: Clock,
    private readonly dataDir: string,
    objects: ObjectStore,
    buckets: BucketAccess,
    private readonly sandbox: Sandbox,
    serving: Partial<HostOptions> = {},
    clusterOf?: (listener: ServiceClusterListener) => ServiceCluster,
    /** The flavors a service may ask for (the host's, or the cluster's nodes'). */
    readonly flavors: ServiceFlavors = new ServiceFlavors(),
    /** On the kubernetes executor: the cluster's nodes, which services of no pool take their share of instead of this host. */
    private readonly clusterPool?: LocalPool,
    /** On the kubernetes executor: where batch services run (a Job per run). */
    kubeBatch?: KubeBatch,
  ) {
    this.batchOnCluster = kubeBatch !== undefined;
    this.stats = new InferenceStats(store.modelStats, (id, invocations, failures) => store.addCounts(id, invocations, failures));
    this.events = new ServiceEvents(store, clock);
    this.cluster = clusterOf?.({
      event: (id, type, info) => this.event(id, type, info),
      release: (id) => this.release(id),
      flush: () => this.flushEvents(),
    });
    this.configs = new ServiceConfigs(models, sandbox, buckets, pools, this.flavors, this.cluster !== undefined);
    pools.onRelease(() => this.admission.request());
    this.batch = new BatchRunner({
      store,
      models,
      pool: { release: (id) => this.release(id) },
      clock,
      objects,
      buckets,
      sandbox,
      dataDir,
      predictTimeoutMs: serving.predictTimeoutMs,
      event: (id, type, info) => this.event(id, type, info),
      flush: () => this.flushEvents(),
      kube: kubeBatch,
    });
    this.host = new ServingHost(
      {
        event: (serviceId, type, info) => this.event(serviceId, type, info),
        health: (serviceId, healthy) => {
          void this.serialize(serviceId, async () => {
            const row = await this.store.byId(serviceId);
            if (!row || row.desired !== 'running' || !this.host.has(serviceId)) return;
            const status: ServiceStatus = healthy ? 'running' : 'concerning';
            // A lost or restarted instance changes where the service answers: other replicas read it.
            const patch: Partial<ServiceRow> = { endpoints: recordOf(this.host, this.hostId, serviceId) };
            if (row.status !== status) Object.assign(patch, { status, transition_at: this.clock.now() });
            await this.store.update(serviceId, patch);
          });
        },
      },
      serving,
    );
  }

  /** Runs service operations one after the other per service. */
  private serialize(serviceId: string, op: () => Promise<void>): Promise<void> {
    const prev = this.ops.get(serviceId) ?? Promise.resolve();
    const next = prev.then(op, op);
    const tracked = next.catch(() => undefined);
    this.ops.set(serviceId, tracked);
    void tracked.then(() => {
      if (this.ops.get(serviceId) === tracked) this.ops.delete(serviceId);
    });
    return next;
  }

  /** Waits for the operations queued on a service (tests and shutdown). */
  async settled(serviceId: string): Promise<void> {
    await this.ops.get(serviceId);
  }

  private event(serviceId: string, type: 'normal' | 'abnormal', info: string): void {
    this.events.record(serviceId, type, info);
  }

  flushEvents(): Promise<void> {
    return this.events.flush();
  }

  async requireService(projectId: string, id: string): Promise<ServiceRow> {
    const row = await this.store.get(projectId, id);
    if (!row) throw serviceErrors.notFound(id);
    return row;
  }

  /** Where services of no pool run: this host's pool, or the cluster's nodes. */
  private get publicPool(): LocalPool {
    return this.clusterPool ?? this.pools.publicPool;
  }

  /** The pool the service's instances run in; undefined when its dedicated pool does not exist (now). */
  poolOf(row: Pick<ServiceRow, 'cluster_id'>): LocalPool | undefined {
    return dedicatedName(row) ? this.pools.get(row.cluster_id!)?.pool : this.publicPool;
  }

  /**
   * Takes the service's share of its pool, saying whose it is (a queued training job of the project
   * names it), each instance on one node. The public pool answers at once (a 400 when it has no
   * room); a dedicated pool that has no room now gives false: the service waits for it.
   */
  private place(row: Pick<ServiceRow, 'id' | 'service_name' | 'project_id' | 'cluster_id' | 'infer_type'>, flavors: PoolAmount, instances: number): boolean {
    const amount = this.shareOf(row, flavors, instances);
    const pool = this.poolOf(row);
    const holder = { kind: 'service' as const, id: row.id, name: row.service_name, projectId: row.project_id };
    if (pool?.reserve(row.id, amount, holder, instances)) {
      pool.trackWith(row.id, () => this.host.processGroups(row.id));
      this.pools.event(dedicatedName(row), 'Normal', 'ServiceScheduled', `service "${row.service_name}" (${row.id}) placed on ${nodesOf(pool, row.id)}`);
      return true;
    }
    if (dedicatedName(row)) return false;
    const free = this.publicPool.free(row.id);
    throw serviceErrors.insufficientResources(
      `asked ${amount.cpu} cores and ${amount.memoryMb} MB; ${free.cpu} cores and ${free.memoryMb} MB free in the ${this.clusterPool ? "cluster's nodes" : 'local pool'}`,
    );
  }

  /** As place, but a dedicated pool without room is a 400 too (a running service's new config). */
  private reserve(row: Pick<ServiceRow, 'id' | 'service_name' | 'project_id' | 'cluster_id' | 'infer_type'>, flavors: PoolAmount, instances: number): void {
    if (this.place(row, flavors, instances)) return;
    const amount = this.shareOf(row, flavors, instances);
    throw serviceErrors.insufficientResources(
      `asked ${amount.cpu} cores and ${amount.memoryMb} MB; resource pool ${row.cluster_id ?? ''} has no room for them now`,
    );
  }

  /**
   * What the service's instances hold of their pool: their flavors; on the kubernetes executor a batch run's pods add
   * the batch command's share beside each instance's model server, so that what is held is what the pods ask for.
   */
  private shareOf(row: Pick<ServiceRow, 'infer_type'>, flavors: PoolAmount, instances: number): PoolAmount {
    if (row.infer_type !== 'batch' || !this.batchOnCluster) return flavors;
    return { cpu: flavors.cpu + instances * BATCH_DRIVER_SHARE.cpu, memoryMb: flavors.memoryMb + instances * BATCH_DRIVER_SHARE.memoryMb };
  }

  /** Gives back the service's share, in whichever pool holds it. */
  private release(id: string): void {
    this.publicPool.release(id);
    for (const d of this.pools.list()) {
      if (!d.pool.has(id)) continue;
      const holder = d.pool.holdings().find((h) => h.key === id)?.holder;
      d.pool.release(id);
      this.pools.event(d.name, 'Normal', 'ServiceEnded', `service "${holder?.name ?? ''}" (${id}) left the pool`);
    }
  }

  /** The service waits (status deploying) until its dedicated pool has room; says so once, in its events and the pool's. */
  private wait(
    row: Pick<ServiceRow, 'id' | 'service_name' | 'cluster_id' | 'infer_type'>,
    flavors: PoolAmount,
    instances: number,
    logId: string | undefined,
  ): void {
    const amount = this.shareOf(row, flavors, instances);
    const pool = this.poolOf(row);
    const short = pool?.shortage(row.id, amount, instances);
    const why = !pool
      ? `resource pool ${row.cluster_id ?? ''} does not exist now`
      : `needs ${amount.cpu} cores and ${amount.memoryMb} MB${short?.cpu ? `, ${short.cpu.free} cores free` : ''}${short?.memoryMb ? `, ${short.memoryMb.free} MB free` : ''}`;
    const text = `waiting for room in resource pool ${row.cluster_id ?? ''}: ${why}`;
    this.waiting.set(row.id, logId);
    this.event(row.id, 'normal', text);
    this.pools.event(dedicatedName(row), 'Warning', 'ServiceQueued', `service "${row.service_name}" (${row.id}) is ${text}`);
  }

  /** Starts the waiting services that fit now, first come first served within each pool. */
  private async admitPass(): Promise<void> {
    const blocked = new Set<string>();
    for (const [id, logId] of [...this.waiting]) {
      const row = await this.store.byId(id);
      if (!row || row.desired !== 'running') {
        this.waiting.delete(id);
        continue;
      }
      if (blocked.has(row.cluster_id ?? '')) continue;
      const configs = JSON.parse(row.config) as StoredConfig[];
      if (!this.place(row, storedAmount(configs), instanceCount(configs))) {
        blocked.add(row.cluster_id ?? '');
        continue;
      }
      this.waiting.delete(id);
      this.launch(row, logId);
    }
  }

  /** Whether the service waits for room in its pool. */
  isWaiting(id: string): boolean {
    return this.waiting.has(id);
  }

  /** The waiting services, first in line first. */
  waitingIds(): string[] {
    return [...this.waiting.keys()];
  }

  /**
   * The endpoints record of a real-time service this replica is about to start on this host: its host and no instances
   * yet, written with the request, so another replica's reconciler sees the deployment under way here and does not
   * start a second copy. The cluster's services and batch services are found otherwise.
   */
  private claim(inferType: string, id: string): string | null {
    return this.cluster || inferType !== 'real-time' ? null : recordOf(this.host, this.hostId, id);
  }

  private launch(row: Pick<ServiceRow, 'id' | 'infer_type'>, logId: string | undefined): void {
    if (row.infer_type === 'batch') this.batch.start(row.id, logId);
    else void this.serialize(row.id, () => this.bringUp(row.id, logId));
  }

  async create(caller: Principal, req: CreateServiceRequest): Promise<{ service_id: string; resource_ids: string[] }> {
    if (req.infer_type === 'edge') throw serviceErrors.inferTypeUnavailable(req.infer_type);
    const cluster = req.cluster_id ?? req.pool_name;
    const { stored, cpu, memoryMb, instances, pool } = await this.configs.resolve(caller.projectId, req.config, cluster, req.infer_type);
    if (await this.store.nameTaken(caller.projectId, req.service_name)) throw serviceErrors.nameTaken(req.service_name);
    const id = uuid();
    const now = this.clock.now();
    const schedule = req.schedule?.[0];
    const row: ServiceRow = {
      id,
      project_id: caller.projectId,
      tenant: caller.domainId,
      owner: caller.userId,
      service_name: req.service_name,
      description: req.description ?? '',
      infer_type: req.infer_type,
      workspace_id: req.workspace_id ?? '0',
      cluster_id: cluster ?? pool ?? null,
      status: 'deploying',
      desired: 'running',
      error_msg: null,
      config: JSON.stringify(stored),
      schedule: req.schedule ? JSON.stringify(req.schedule) : null,
      additional_properties: JSON.stringify(req.additional_properties ?? {}),
      invocation_times: 0,
      failed_times: 0,
      publish_at: now,
      update_time: now,
      transition_at: now,
      due_time: schedule ? now + schedule.duration * UNIT_MS[schedule.time_unit] : null,
      endpoints: this.claim(req.infer_type, id),
    };
    const placed = this.place(row, { cpu, memoryMb }, instances);
    const log: ServiceUpdateLogRow = { id: uuid(), service_id: id, update_time: now, result: 'RUNNING', config: row.config };
    try {
      await this.store.insert(row, log);
    } catch (e) {
      this.release(id);
      if (isUniqueViolation(e)) throw serviceErrors.nameTaken(req.service_name);
      throw e;
    }
    this.event(id, 'normal', 'start to deploy service');
    if (placed) this.launch(row, log.id);
    else this.wait(row, { cpu, memoryMb }, instances, log.id);
    return { service_id: id, resource_ids: [`INF-${id}`] };
  }

  /** Starts (or rolls) the service's instances to its stored config; records the outcome. */
  private async bringUp(id: string, logId: string | undefined): Promise<void> {
    const row = await this.store.byId(id);
    if (!row || row.desired !== 'running') return;
    const cluster = this.cluster;
    const wasUp = cluster ? cluster.follows(id) : this.host.has(id);
    try {
      const models = await modelsOf(this.models, row);
      for (const c of JSON.parse(row.config) as StoredConfig[])
        this.event(id, 'normal', `[${c.model_name} ${c.model_version}] preparing ${c.instance_count} instance(s) of ${c.specification}`);
      if (cluster) {
        // The status and the log entry's result follow from the pods (the cluster's watch).
        await cluster.apply(row, models, logId);
        await this.flushEvents();
        return;
      }
      await this.host.apply(id, deploymentsOf(row, models, { dataDir: this.dataDir, sandbox: this.sandbox }));
    } catch (e) {
      if (e instanceof DeployCancelledError) {
        // Stopped or deleted meanwhile: that operation records the outcome. On close, the next start redeploys.
        if (this.closing) return;
        this.event(id, 'normal', e.message);
        if (logId) await this.store.setLogResult(logId, 'FAIL');
        await this.flushEvents();
        return;
      }
      const reason = e instanceof Error ? e.message : String(e);
      this.event(id, 'abnormal', `deployment failed: ${reason}`);
      if (logId) await this.store.setLogResult(logId, 'FAIL');
      if (wasUp) {
        // A failed rolling change leaves the previous instances serving.
        await this.store.update(id, { status: 'running', transition_at: this.clock.now() });
      } else {
        this.release(id);
        await cluster?.remove(row).catch(() => undefined);
        await this.store.update(id, { status: 'failed', error_msg: reason, transition_at: this.clock.now(), endpoints: null });
      }
      await this.flushEvents();
      return;
    }
    this.sweeper ??= setInterval(() => void this.sweep().catch(() => undefined), SWEEP_MS).unref();
    this.event(id, 'normal', wasUp ? 'service updated' : 'service is running');
    if (logId) await this.store.setLogResult(logId, 'SUCCESS');
    await this.store.update(id, { status: 'running', error_msg: null, transition_at: this.clock.now(), endpoints: recordOf(this.host, this.hostId, id) });
    await this.flushEvents();
  }

  /** Stopped at once; the instances finish in the background (a short grace, then killed). */
  private async bringDown(id: string, reason: string): Promise<void> {
    await this.batch.stop(id);
    void this.host.remove(id);
    this.waiting.delete(id);
    this.release(id);
    this.event(id, 'normal', reason);
    const row = await this.store.byId(id);
    if (row) stopOrphans(row);
    if (row && this.cluster && row.infer_type === 'real-time') await this.cluster.remove(row);
    await this.store.update(id, { status: 'stopped', desired: 'stopped', transition_at: this.clock.now(), endpoints: null });
    await this.flushEvents();
  }

  async update(caller: Principal, id: string, req: UpdateServiceRequest): Promise<void> {
    const row = await this.requireService(caller.projectId, id);
    const now = this.clock.now();
    const patch: Partial<ServiceRow> = { update_time: now };
    if (req.description !== undefined) patch.description = req.description;
    if (req.additional_properties !== undefined) patch.additional_properties = JSON.stringify(req.additional_properties);
    if (req.schedule !== undefined) {
      const s = req.schedule[0];
      patch.schedule = req.schedule.length > 0 ? JSON.stringify(req.schedule) : null;
      patch.due_time = s ? now + s.duration * UNIT_MS[s.time_unit] : null;
    }

    // The spec: with both status and config, only status is changed.
    // Every accepted change is an update log entry, holding the config in force after it.
    const logOf = (result: ServiceUpdateLogRow['result'], config = row.config): ServiceUpdateLogRow => ({
      id: uuid(),
      service_id: id,
      update_time: now,
      result,
      config,
    });
    if (req.status !== undefined) {
      if (req.status === 'stopped') {
        if (row.desired === 'stopped' && row.status === 'stopped') throw serviceErrors.alreadyStopped();
        await this.store.updateWithLog(id, { ...patch, desired: 'stopped' }, logOf('SUCCESS'));
        // Out of service now, even while a deployment of it is starting (which this cancels).
        void this.host.remove(id);
        await this.serialize(id, () => this.bringDown(id, 'service stopped'));
        return;
      }
      if (row.desired === 'running' && (row.status === 'running' || row.status === 'deploying' || row.status === 'concerning'))
        throw serviceErrors.alreadyRunning();
      const configs = JSON.parse(row.config) as StoredConfig[];
      const placed = this.place(row, storedAmount(configs), instanceCount(configs));
      const log = logOf('RUNNING');
      await this.store.updateWithLog(
        id,
        { ...patch, desired: 'running', status: 'deploying', error_msg: null, transition_at: now, endpoints: this.claim(row.infer_type, id) },
        log,
      );
      this.event(id, 'normal', 'start to run service');
      if (placed) this.launch(row, log.id);
      else this.wait(row, storedAmount(configs), instanceCount(configs), log.id);
      return;
    }

    if (req.config !== undefined) {
      const { stored, cpu, memoryMb, instances } = await this.configs.resolve(caller.projectId, req.config, row.cluster_id ?? undefined, row.infer_type);
      // A batch service takes a new config at its next run; a waiting one, when it is placed.
      const running = row.desired === 'running' && row.infer_type !== 'batch' && !this.waiting.has(id);
      if (running) this.reserve(row, { cpu, memoryMb }, instances);
      patch.config = JSON.stringify(stored);
      const log = logOf(running ? 'RUNNING' : 'SUCCESS', patch.config);
      if (running) {
        patch.status = 'deploying';
        patch.transition_at = now;
      }
      await this.store.updateWithLog(id, patch, log);
      this.event(
        id,
        'normal',
        `start to update service (${stored.map((c) => `${c.model_name} ${c.model_version}: weight ${c.weight}, ${c.instance_count} instance(s)`).join('; ')})`,
      );
      if (running) {
        void this.serialize(id, async () => {
          await this.bringUp(id, log.id);
          const after = await this.store.byId(id);
          // A failed update keeps the old config serving: store it back.
          if (after && after.status === 'running' && (await this.isFailedLog(id, log.id))) {
            await this.store.update(id, { config: row.config });
            this.reserveStored(row, JSON.parse(row.config) as StoredConfig[]);
          }
        });
      }
      return;
    }
    await this.store.updateWithLog(id, patch, logOf('SUCCESS'));
  }

  private async isFailedLog(serviceId: string, logId: string): Promise<boolean> {
    const logs = await this.store.updateLogs(serviceId, undefined);
    return logs.some((l) => l.id === logId && l.result === 'FAIL');
  }

  private reserveStored(row: Pick<ServiceRow, 'id' | 'service_name' | 'project_id' | 'cluster_id' | 'infer_type'>, configs: StoredConfig[]): void {
    this.reserve(row, storedAmount(configs), instanceCount(configs));
  }

  async delete(caller: Principal, ids: string[]): Promise<void> {
    const rows = await Promise.all(ids.map((id) => this.requireService(caller.projectId, id)));
    for (const row of rows) {
      await this.store.update(row.id, { desired: 'stopped' });
      void this.host.remove(row.id);
      await this.serialize(row.id, async () => {
        await this.batch.stop(row.id);
        void this.host.remove(row.id);
        this.waiting.delete(row.id);
        this.release(row.id);
        this.stats.forget(row.id);
        stopOrphans(row);
        if (this.cluster && row.infer_type === 'real-time') await this.cluster.remove(row);
        await this.flushEvents();
        await this.store.delete(row.id);
        // After the row: a flush of another replica adds no numbers to a service that is gone.
        await this.store.modelStats.remove(row.id);
      });
    }
  }

  /**
   * One reconcile pass: saves request counts, stops services past their due time, and brings up
   * services that should run but have no instances here (after a restart of Atelier).
   */
  async reconcile(): Promise<void> {
    await this.stats.flush();
    const now = this.clock.now();
    for (const row of await this.store.wantRunning()) {
      if (this.ops.has(row.id) || this.waiting.has(row.id)) continue;
      if (row.infer_type === 'batch') {
        // A batch cut short by a restart runs again from its first file.
        if (!this.batch.isRunning(row.id) && (row.status === 'running' || row.status === 'deploying')) {
          try {
            this.reserveStored(row, JSON.parse(row.config) as StoredConfig[]);
          } catch {
            continue;
          }
          this.event(row.id, 'normal', 'Atelier restarted: running the batch again');
          this.batch.start(row.id, undefined);
        }
        continue;
      }
      if (row.due_time !== null && Number(row.due_time) <= now) {
        await this.store.update(row.id, { desired: 'stopped' });
        await this.serialize(row.id, () => this.bringDown(row.id, 'service stopped by its schedule'));
        continue;
      }
      // A failed deployment was taken down; it is tried again when it is started or updated again, not in a loop.
      if (row.status === 'failed') continue;
      const configs = JSON.parse(row.config) as StoredConfig[];
      if (this.cluster) {
        // Its Deployments found by their labels are followed as they are (another replica may follow them already).
        if (this.cluster.follows(row.id)) continue;
        const found = await this.cluster.adopt(row);
        if (found === 'elsewhere') continue;
        if (found === 'adopted') {
          try {
            this.place(row, storedAmount(configs), instanceCount(configs));
          } catch {
            // The pods run whatever this replica's view of the pool says.
          }
          continue;
        }
      } else if (this.host.has(row.id) || hostedElsewhere(row, this.hostId)) {
        // Another replica runs it (or its model servers outlived that replica): adopted as it is, not started twice.
        continue;
      }
      try {
        // After a restart, a service of a dedicated pool without room (or not restored yet) waits for it.
        if (!this.place(row, storedAmount(configs), instanceCount(configs))) {
          this.wait(row, storedAmount(configs), instanceCount(configs), undefined);
          continue;
        }
      } catch (e) {
        await this.store.update(row.id, { status: 'failed', error_msg: e instanceof Error ? e.message : String(e), transition_at: now });
        continue;
      }
      await this.store.update(row.id, { status: 'deploying', transition_at: now });
      this.event(row.id, 'normal', 'Atelier restarted: redeploying the service');
      void this.serialize(row.id, () => this.bringUp(row.id, undefined));
    }
    await this.cluster?.removeOrphans();
  }

  /**
   * Every replica, lease or not: takes out of service the instances it runs of a service stopped or
   * deleted through another replica, or since deployed by another one (an update there).
   */
  private async sweep(): Promise<void> {
    for (const id of this.host.serviceIds()) {
      if (this.ops.has(id) || this.closing) continue;
      const row = await this.store.byId(id);
      if (row && row.desired === 'running' && !recordedElsewhere(row, this.hostId)) continue;
      void this.serialize(id, async () => {
        const now = await this.store.byId(id);
        if (now && now.desired === 'running' && !recordedElsewhere(now, this.hostId)) return;
        void this.host.remove(id);
        this.release(id);
      });
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    // Its instances end with it: another replica's reconciler (or this one's next start) deploys them again.
    for (const id of this.host.serviceIds()) {
      const row = await this.store.byId(id).catch(() => undefined);
      if (row && !recordedElsewhere(row, this.hostId)) await this.store.update(id, { endpoints: null }).catch(() => undefined);
    }
    await this.batch.close();
    // Closing the host first cancels deployments in progress, so the queued operations end soon.
    await this.host.close();
    await Promise.all([...this.ops.values()]);
    await this.cluster?.close();
    this.stats.close();
    await this.stats.flush().catch(() => undefined);
    await this.flushEvents();
  }
}

/** The dedicated pool the service names (its cluster_id), or undefined for the public pool. */
function dedicatedName(row: Pick<ServiceRow, 'cluster_id'>): string | undefined {
  return row.cluster_id && row.cluster_id !== LOCAL_CLUSTER_ID ? row.cluster_id : undefined;
}

const instanceCount = (configs: StoredConfig[]) => configs.reduce((n, c) => n + c.instance_count, 0);

function nodesOf(pool: LocalPool, key: string): string {
  return [
    ...new Set(
      pool
        .holdings()
        .find((h) => h.key === key)
        ?.placement.map((p) => p.node) ?? [],
    ),
  ].join(', ');
}
