import { join } from 'node:path';
import type { Principal } from '#src/auth/principal.ts';
import { apiError, errors } from '#src/core/errors.ts';
import { uuid } from '#src/core/ids.ts';
import type { Clock } from '#src/core/time.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import type { DeployableModel, ModelService } from '#src/modules/models/service.ts';
import { DEFAULT_HEALTH, DeployCancelledError, ServingHost, type HealthCheck, type HostOptions, type ModelDeployment } from '#src/runtime/serving/serving-host.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { amountOf, LOCAL_CLUSTER_ID } from './flavors.ts';
import { instanceFactory, runsUserCode, unservable } from './instances.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import type { CreateServiceRequest, ServiceConfig, UpdateServiceRequest } from './schemas.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceEventRow, ServiceRow, ServiceStatus, ServiceUpdateLogRow } from './tables.ts';
import type { StoredConfig } from './views.ts';
import { InferenceStats } from './inference-stats.ts';
import { BatchRunner } from './batch-service.ts';
import { batchPaths, checkBatchConfig } from './batch-runner.ts';

const UNIT_MS = { MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 } as const;

let eventSeq = 0;
/** Event ids sort in the order the events happened, even within one millisecond. */
const eventId = (now: number) => `${String(now).padStart(15, '0')}-${String(eventSeq++ % 1e9).padStart(9, '0')}`;

/** Real-time services: deploy, update, stop/start, delete; the instances run on the ServingHost. */
export class ServiceManager {
  readonly host: ServingHost;
  readonly stats = new InferenceStats();
  private readonly ops = new Map<string, Promise<void>>();
  private pendingEvents: ServiceEventRow[] = [];
  private readonly batch: BatchRunner;
  private closing = false;

  constructor(
    private readonly store: ServiceStore,
    private readonly models: ModelService,
    private readonly pool: LocalPool,
    private readonly clock: Clock,
    private readonly dataDir: string,
    objects: ObjectStore,
    private readonly buckets: BucketAccess,
    private readonly sandbox: Sandbox,
    serving: Partial<HostOptions> = {},
  ) {
    this.batch = new BatchRunner({ store, models, pool, clock, objects, buckets, sandbox, dataDir, predictTimeoutMs: serving.predictTimeoutMs, event: (id, type, info) => this.event(id, type, info), flush: () => this.flushEvents() });
    this.host = new ServingHost({
      event: (serviceId, type, info) => this.event(serviceId, type, info),
      health: (serviceId, healthy) => {
        void this.serialize(serviceId, async () => {
          const row = await this.store.byId(serviceId);
          if (!row || row.desired !== 'running' || !this.host.has(serviceId)) return;
          const status: ServiceStatus = healthy ? 'running' : 'concerning';
          if (row.status !== status) await this.store.update(serviceId, { status, transition_at: this.clock.now() });
        });
      },
    }, serving);
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
    const now = this.clock.now();
    this.pendingEvents.push({ id: eventId(now), service_id: serviceId, event_type: type, event_info: info, occur_time: now });
    if (this.pendingEvents.length === 1) queueMicrotask(() => void this.flushEvents());
  }

  async flushEvents(): Promise<void> {
    const rows = this.pendingEvents;
    this.pendingEvents = [];
    // A service deleted meanwhile takes its events with it.
    for (const r of rows) await this.store.addEvents([r]).catch(() => undefined);
  }

  async requireService(projectId: string, id: string): Promise<ServiceRow> {
    const row = await this.store.get(projectId, id);
    if (!row) throw apiError(404, 'ModelArts.3502', id);
    return row;
  }

  /** Checks a config list against the models and the pool; returns the stored form. */
  private async resolveConfigs(
    projectId: string,
    configs: ServiceConfig[],
    clusterId: string | undefined,
    inferType: string,
  ): Promise<{ stored: StoredConfig[]; cpu: number; memoryMb: number }> {
    const batch = inferType === 'batch';
    if (batch && configs.length !== 1) throw errors.badParam('body.config must hold exactly one model for a batch service');
    const weights = configs.map((c, i) => {
      if (batch) return undefined;
      if (c.weight === undefined) throw errors.badParam(`body.config[${i}].weight is required for a real-time service`);
      return Number(c.weight);
    });
    const sum = weights.reduce<number>((a, b) => a + (b ?? 0), 0);
    if (!batch && sum !== 100) throw errors.badParam(`body.config[].weight must sum to 100, got ${sum}`);
    const seen = new Set<string>();
    const stored: StoredConfig[] = [];
    let cpu = 0;
    let memoryMb = 0;
    for (const [i, c] of configs.entries()) {
      const cluster = c.cluster_id ?? clusterId;
      if (cluster !== undefined && cluster !== LOCAL_CLUSTER_ID) throw apiError(400, 'ModelArts.3547', cluster);
      const model = await this.models.deployable(projectId, c.model_id);
      if (!model) throw apiError(404, 'ModelArts.3507', c.model_id);
      const versionKey = `${model.name} ${model.version}`;
      if (seen.has(versionKey)) throw apiError(400, 'ModelArts.3516');
      seen.add(versionKey);
      if (model.status === 'publishing') throw apiError(400, 'ModelArts.3515', model.id);
      if (model.status !== 'published') throw apiError(400, 'ModelArts.3589', model.id, inferType, `(model status ${model.status})`);
      const why = unservable(model);
      if (why) throw apiError(400, 'ModelArts.3589', model.id, inferType, `(${why})`);
      if (runsUserCode(model)) await this.sandbox.admitProject(projectId);
      if (batch && model.config.apis.length === 0) throw apiError(400, 'ModelArts.3514');
      const batchFields = batch ? checkBatchConfig(c, model.config.apis[0]) : undefined;
      if (batchFields) {
        const paths = batchPaths(batchFields);
        await this.buckets.check({ projectId }, paths.src, `body.config[${i}].src_path`);
        await this.buckets.check({ projectId }, paths.dest, `body.config[${i}].dest_path`, 'write');
      }
      const amount = amountOf(c.specification, c.custom_spec);
      if (typeof amount === 'string') throw errors.badParam(`body.config[${i}].specification: ${amount}`);
      cpu += amount.cpu * c.instance_count;
      memoryMb += amount.memoryMb * c.instance_count;
      stored.push({
        model_id: model.id,
        model_name: model.name,
        model_version: model.version,
        specification: c.specification,
        ...(c.custom_spec ? { custom_spec: c.custom_spec } : {}),
        ...(weights[i] !== undefined ? { weight: weights[i] } : {}),
        instance_count: c.instance_count,
        envs: c.envs ?? {},
        ...(cluster ? { cluster_id: cluster } : {}),
        ...(batchFields ? { ...batchFields, req_uri: c.req_uri! } : {}),
      });
    }
    return { stored, cpu, memoryMb };
  }

  private reserve(serviceId: string, amount: { cpu: number; memoryMb: number }): void {
    if (!this.pool.reserve(serviceId, amount)) {
      const free = this.pool.capacity.cpu - this.pool.used(serviceId).cpu;
      throw apiError(400, 'ModelArts.3952', `(asked ${amount.cpu} cores and ${amount.memoryMb} MB; ${free} cores free in the local pool)`);
    }
  }

  async create(caller: Principal, req: CreateServiceRequest): Promise<{ service_id: string; resource_ids: string[] }> {
    if (req.infer_type === 'edge') throw apiError(400, 'ModelArts.3518', req.infer_type);
    const cluster = req.cluster_id ?? req.pool_name;
    const { stored, cpu, memoryMb } = await this.resolveConfigs(caller.projectId, req.config, cluster, req.infer_type);
    if (await this.store.nameTaken(caller.projectId, req.service_name)) throw apiError(409, 'ModelArts.3503', req.service_name);
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
      cluster_id: cluster ?? null,
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
    };
    this.reserve(id, { cpu, memoryMb });
    const log: ServiceUpdateLogRow = { id: uuid(), service_id: id, update_time: now, result: 'RUNNING', config: row.config };
    try {
      await this.store.insert(row, log);
    } catch (e) {
      this.pool.release(id);
      if (isUniqueViolation(e)) throw apiError(409, 'ModelArts.3503', req.service_name);
      throw e;
    }
    this.event(id, 'normal', 'start to deploy service');
    if (req.infer_type === 'batch') this.batch.start(id, log.id);
    else void this.serialize(id, () => this.bringUp(id, log.id));
    return { service_id: id, resource_ids: [`INF-${id}`] };
  }

  private deployments(row: ServiceRow, models: Map<string, DeployableModel>): ModelDeployment[] {
    const configs = JSON.parse(row.config) as StoredConfig[];
    return configs.map((c) => ({
      modelId: c.model_id,
      weight: c.weight ?? 100,
      instanceCount: c.instance_count,
      key: JSON.stringify([c.envs, c.specification, c.custom_spec ?? null]),
      start: instanceFactory(models.get(c.model_id)!, c, join(this.dataDir, 'services', row.id), { sandbox: this.sandbox, domainId: row.tenant }),
      health: healthCheckOf(models.get(c.model_id)!),
    }));
  }

  private async modelsOf(row: ServiceRow): Promise<Map<string, DeployableModel>> {
    const out = new Map<string, DeployableModel>();
    for (const c of JSON.parse(row.config) as StoredConfig[]) {
      const m = await this.models.deployable(row.project_id, c.model_id);
      if (!m) throw new Error(`model ${c.model_id} no longer exists`);
      out.set(c.model_id, m);
    }
    return out;
  }

  /** Starts (or rolls) the service's instances to its stored config; records the outcome. */
  private async bringUp(id: string, logId: string | undefined): Promise<void> {
    const row = await this.store.byId(id);
    if (!row || row.desired !== 'running') return;
    const wasUp = this.host.has(id);
    try {
      const models = await this.modelsOf(row);
      for (const c of JSON.parse(row.config) as StoredConfig[]) this.event(id, 'normal', `[${c.model_name} ${c.model_version}] preparing ${c.instance_count} instance(s) of ${c.specification}`);
      await this.host.apply(id, this.deployments(row, models));
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
        this.pool.release(id);
        await this.store.update(id, { status: 'failed', error_msg: reason, transition_at: this.clock.now() });
      }
      await this.flushEvents();
      return;
    }
    this.event(id, 'normal', wasUp ? 'service updated' : 'service is running');
    if (logId) await this.store.setLogResult(logId, 'SUCCESS');
    await this.store.update(id, { status: 'running', error_msg: null, transition_at: this.clock.now() });
    await this.flushEvents();
  }

  /** Stopped at once; the instances finish in the background (a short grace, then killed). */
  private async bringDown(id: string, reason: string): Promise<void> {
    await this.batch.stop(id);
    void this.host.remove(id);
    this.pool.release(id);
    this.event(id, 'normal', reason);
    await this.store.update(id, { status: 'stopped', desired: 'stopped', transition_at: this.clock.now() });
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
    const logOf = (result: ServiceUpdateLogRow['result'], config = row.config): ServiceUpdateLogRow => ({ id: uuid(), service_id: id, update_time: now, result, config });
    if (req.status !== undefined) {
      if (req.status === 'stopped') {
        if (row.desired === 'stopped' && row.status === 'stopped') throw apiError(400, 'ModelArts.6307');
        await this.store.updateWithLog(id, { ...patch, desired: 'stopped' }, logOf('SUCCESS'));
        // Out of service now, even while a deployment of it is starting (which this cancels).
        void this.host.remove(id);
        await this.serialize(id, () => this.bringDown(id, 'service stopped'));
        return;
      }
      if (row.desired === 'running' && (row.status === 'running' || row.status === 'deploying' || row.status === 'concerning')) throw apiError(400, 'ModelArts.6305');
      const configs = JSON.parse(row.config) as StoredConfig[];
      this.reserveStored(id, configs);
      const log = logOf('RUNNING');
      await this.store.updateWithLog(id, { ...patch, desired: 'running', status: 'deploying', error_msg: null, transition_at: now }, log);
      this.event(id, 'normal', 'start to run service');
      if (row.infer_type === 'batch') this.batch.start(id, log.id);
      else void this.serialize(id, () => this.bringUp(id, log.id));
      return;
    }

    if (req.config !== undefined) {
      const { stored, cpu, memoryMb } = await this.resolveConfigs(caller.projectId, req.config, row.cluster_id ?? undefined, row.infer_type);
      // A batch service takes a new config at its next run.
      const running = row.desired === 'running' && row.infer_type !== 'batch';
      if (running) this.reserve(id, { cpu, memoryMb });
      patch.config = JSON.stringify(stored);
      const log = logOf(running ? 'RUNNING' : 'SUCCESS', patch.config);
      if (running) {
        patch.status = 'deploying';
        patch.transition_at = now;
      }
      await this.store.updateWithLog(id, patch, log);
      this.event(id, 'normal', `start to update service (${stored.map((c) => `${c.model_name} ${c.model_version}: weight ${c.weight}, ${c.instance_count} instance(s)`).join('; ')})`);
      if (running) {
        void this.serialize(id, async () => {
          await this.bringUp(id, log.id);
          const after = await this.store.byId(id);
          // A failed update keeps the old config serving: store it back.
          if (after && after.status === 'running' && (await this.isFailedLog(id, log.id))) {
            await this.store.update(id, { config: row.config });
            this.reserveStored(id, JSON.parse(row.config) as StoredConfig[]);
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

  private reserveStored(id: string, configs: StoredConfig[]): void {
    let cpu = 0;
    let memoryMb = 0;
    for (const c of configs) {
      const a = amountOf(c.specification, c.custom_spec);
      if (typeof a === 'string') throw errors.badParam(`config.specification: ${a}`);
      cpu += a.cpu * c.instance_count;
      memoryMb += a.memoryMb * c.instance_count;
    }
    this.reserve(id, { cpu, memoryMb });
  }

  async delete(caller: Principal, ids: string[]): Promise<void> {
    const rows = await Promise.all(ids.map((id) => this.requireService(caller.projectId, id)));
    for (const row of rows) {
      await this.store.update(row.id, { desired: 'stopped' });
      void this.host.remove(row.id);
      await this.serialize(row.id, async () => {
        await this.batch.stop(row.id);
        void this.host.remove(row.id);
        this.pool.release(row.id);
        this.stats.forget(row.id);
        await this.flushEvents();
        await this.store.delete(row.id);
      });
    }
  }

  /** Which of these models a service of the project uses (for model deletes). */
  async modelsInUse(projectId: string, modelIds: string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (const row of await this.store.ofProject(projectId)) {
      for (const c of JSON.parse(row.config) as StoredConfig[]) if (modelIds.includes(c.model_id)) used.add(c.model_id);
    }
    return used;
  }

  /**
   * One reconcile pass: saves request counts, stops services past their due time, and brings up
   * services that should run but have no instances here (after a restart of Atelier).
   */
  async reconcile(): Promise<void> {
    for (const [id, c] of this.stats.drain()) await this.store.addCounts(id, c.invocations, c.failures);
    const now = this.clock.now();
    for (const row of await this.store.wantRunning()) {
      if (this.ops.has(row.id)) continue;
      if (row.infer_type === 'batch') {
        // A batch cut short by a restart runs again from its first file.
        if (!this.batch.isRunning(row.id) && (row.status === 'running' || row.status === 'deploying')) {
          try {
            this.reserveStored(row.id, JSON.parse(row.config) as StoredConfig[]);
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
      if (this.host.has(row.id)) continue;
      try {
        this.reserveStored(row.id, JSON.parse(row.config) as StoredConfig[]);
      } catch (e) {
        await this.store.update(row.id, { status: 'failed', error_msg: e instanceof Error ? e.message : String(e), transition_at: now });
        continue;
      }
      await this.store.update(row.id, { status: 'deploying', transition_at: now });
      this.event(row.id, 'normal', 'Atelier restarted: redeploying the service');
      void this.serialize(row.id, () => this.bringUp(row.id, undefined));
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.batch.close();
    // Closing the host first cancels deployments in progress, so the queued operations end soon.
    await this.host.close();
    await Promise.all([...this.ops.values()]);
    for (const [id, c] of this.stats.drain()) await this.store.addCounts(id, c.invocations, c.failures).catch(() => undefined);
    await this.flushEvents();
  }
}

/** The package's health check settings (config.json `health`), where it declares them. */
function healthCheckOf(model: DeployableModel): HealthCheck | undefined {
  const h = model.config.health;
  if (!h) return undefined;
  const seconds = (v: string | undefined, max: number) => {
    const n = Number(v);
    return v !== undefined && v.trim() !== '' && Number.isFinite(n) && n >= 0 ? Math.min(n, max) : undefined;
  };
  const timeout = seconds(h.timeout_seconds, 300);
  return { timeoutMs: timeout !== undefined && timeout > 0 ? timeout * 1000 : DEFAULT_HEALTH.timeoutMs, initialDelayMs: (seconds(h.initial_delay_seconds, 3600) ?? 0) * 1000 };
}
