// The life of a batch service run: start its instances on this host (or, on the kubernetes executor, run it as a Job
// of the cluster: kube-batch.ts), run the batch, record the outcome (finished with counts, failed with the reason, or
// stopped when asked to).
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ServingInstance } from '#src/runtime/serving/instance.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import type { Clock } from '#src/core/time.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import { batchInputs, batchPaths, runBatch, type BatchConfig, type BatchCounts } from './batch-service.ts';
import { LOCAL_CLUSTER_ID } from './flavors.ts';
import { batchModelOf } from './batch-pod-logs.ts';
import type { KubeBatch } from './kube-batch.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { instanceFactory } from './instances.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import type { DeployableModels } from './ports.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceRow } from './tables.ts';
import type { StoredConfig } from './views.ts';

/** The batch config of a batch service's row; undefined for another service or none. */
export function batchConfigOf(row: Pick<ServiceRow, 'infer_type' | 'config'> | undefined): (StoredConfig & BatchConfig) | undefined {
  return row?.infer_type === 'batch' ? (JSON.parse(row.config) as (StoredConfig & BatchConfig)[])[0] : undefined;
}

interface Deps {
  store: ServiceStore;
  models: DeployableModels;
  /** Where the batch's share is given back (whichever pool holds it). */
  pool: Pick<LocalPool, 'release'>;
  clock: Clock;
  objects: ObjectStore;
  buckets: BucketAccess;
  sandbox: Sandbox;
  dataDir: string;
  /** How long one prediction may take (the gateway's timeout); none when absent. */
  predictTimeoutMs: number | undefined;
  event(serviceId: string, type: 'normal' | 'abnormal', info: string): void;
  flush(): Promise<void>;
  /** On the kubernetes executor: runs the batch as a Job of the cluster instead of instances on this host. */
  kube?: KubeBatch | undefined;
}

export class BatchRunner {
  private readonly runs = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Set once Atelier shuts down: a run on the cluster is left to go on, for the next server to follow. */
  private closing = false;

  constructor(private readonly deps: Deps) {}

  isRunning(serviceId: string): boolean {
    return this.runs.has(serviceId);
  }

  start(serviceId: string, logId: string | undefined): void {
    if (this.runs.has(serviceId)) return;
    const abort = new AbortController();
    const done = this.run(serviceId, logId, abort.signal)
      .catch(() => undefined)
      .finally(() => this.runs.delete(serviceId));
    this.runs.set(serviceId, { abort, done });
  }

  /**
   * Stops a run (its current files finish first) and waits for it. On the kubernetes executor a run that another
   * replica follows is ended through its Job: its logs are copied and the Job deleted here.
   */
  async stop(serviceId: string): Promise<void> {
    const r = this.runs.get(serviceId);
    if (!r) {
      if (!this.deps.kube || this.closing) return;
      const config = batchConfigOf(await this.deps.store.byId(serviceId));
      if (config) await this.deps.kube.removeRun(serviceId, batchModelOf(config), batchPaths(config).dest);
      return;
    }
    r.abort.abort();
    await r.done;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.runs.keys()].map((id) => this.stop(id)));
  }

  private async saveConfig(serviceId: string, patch: Partial<StoredConfig>): Promise<void> {
    const row = await this.deps.store.byId(serviceId);
    if (!row) return;
    const [c, ...rest] = JSON.parse(row.config) as StoredConfig[];
    if (c) await this.deps.store.update(serviceId, { config: JSON.stringify([{ ...c, ...patch }, ...rest]) });
  }

  private async run(serviceId: string, logId: string | undefined, signal: AbortSignal): Promise<void> {
    const { store, models, clock, event } = this.deps;
    const row = await store.byId(serviceId);
    const config = row ? (JSON.parse(row.config) as StoredConfig[])[0] : undefined;
    if (!row || !config) return;
    const instances: ServingInstance[] = [];
    const user = { projectId: row.project_id };
    try {
      // The account may have lost a bucket since the request (a revoked grant).
      const batch = config as StoredConfig & BatchConfig;
      const paths = batchPaths(batch);
      await this.deps.buckets.check(user, paths.src, 'src_path');
      await this.deps.buckets.check(user, paths.dest, 'dest_path', 'write');
      const model = await models.deployable(row.project_id, config.model_id);
      if (!model) throw new Error(`model ${config.model_id} no longer exists`);
      const readable = (bucket: string) => this.deps.buckets.allows(user, bucket);
      const started = async () => {
        const startedAt = clock.now();
        await this.saveConfig(serviceId, { start_time: startedAt });
        await store.update(serviceId, { status: 'running', error_msg: null, transition_at: startedAt });
        if (logId) await store.setLogResult(logId, 'SUCCESS');
        event(serviceId, 'normal', 'batch inference started');
      };
      let counts: BatchCounts;
      const kube = this.deps.kube;
      if (kube) {
        const pool = config.cluster_id ?? row.cluster_id;
        const ran = await kube.run({
          serviceId,
          projectId: row.project_id,
          model,
          config: batch,
          files: () => batchInputs(this.deps.objects, batch),
          readable,
          predictTimeoutMs: this.deps.predictTimeoutMs,
          ...(pool && pool !== LOCAL_CLUSTER_ID ? { placement: poolPlacement(pool) } : {}),
          running: started,
          event: (type, info) => event(serviceId, type, info),
          signal,
          detached: () => this.closing,
        });
        if (!ran) {
          if (!this.closing) event(serviceId, 'normal', 'batch inference stopped: its Job was deleted');
          return;
        }
        counts = ran;
      } else {
        const start = instanceFactory(model, config, join(this.deps.dataDir, 'services', serviceId), { sandbox: this.deps.sandbox, domainId: row.tenant });
        event(serviceId, 'normal', `[${config.model_name} ${config.model_version}] starting ${config.instance_count} instance(s)`);
        for (let i = 0; i < config.instance_count; i++) instances.push(start(randomUUID()));
        await Promise.all(instances.map((i) => i.ready));
        await started();
        counts = await runBatch(
          { store: this.deps.objects, readable, predictTimeoutMs: this.deps.predictTimeoutMs },
          batch,
          model.config.apis[0],
          instances,
          signal,
        );
      }
      await store.addCounts(serviceId, counts.total, counts.failed);
      if (counts.forbidden > 0) event(serviceId, 'abnormal', `${counts.forbidden} manifest source(s) skipped: their buckets belong to another account`);
      if (signal.aborted) {
        event(serviceId, 'normal', `batch inference stopped after ${counts.total} file(s): ${counts.succeeded} succeeded, ${counts.failed} failed`);
        return;
      }
      const now = clock.now();
      await this.saveConfig(serviceId, { finished_time: now });
      event(
        serviceId,
        counts.failed > 0 ? 'abnormal' : 'normal',
        `batch inference finished: ${counts.total} file(s), ${counts.succeeded} succeeded, ${counts.failed} failed`,
      );
      await store.update(serviceId, { status: 'finished', desired: 'stopped', transition_at: now });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      // Stopped or deleted through another replica, which deleted the Job: that operation records the outcome.
      if (!signal.aborted && this.deps.kube && (await store.byId(serviceId))?.desired !== 'running') {
        event(serviceId, 'normal', `batch inference stopped: ${reason}`);
        return;
      }
      event(serviceId, 'abnormal', `batch inference failed: ${reason}`);
      if (logId) await store.setLogResult(logId, 'FAIL');
      if (!signal.aborted) await store.update(serviceId, { status: 'failed', desired: 'stopped', error_msg: reason, transition_at: clock.now() });
    } finally {
      await Promise.all(instances.map((i) => i.stop()));
      this.deps.pool.release(serviceId);
      await this.deps.flush();
    }
  }
}
