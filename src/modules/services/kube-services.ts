// Real-time services on the kubernetes executor: each model version of a service is a Deployment of instance_count
// model servers with a ClusterIP Service and a staging Secret (stage.py downloads the model's files from the object
// store into the pod), and the service has a ServiceAccount and a NetworkPolicy of its own (service-manifest.ts). The
// status follows the pods from the watch, never by polling: running once every version has its instances ready,
// failed when a first deployment's pods cannot run (ImagePullBackOff, OOMKilled, CrashLoopBackOff...), concerning when
// a running service loses instances; a pod waiting for a node (Unschedulable) or an image is said in the events. The
// gateway sends each prediction to a ready pod of the version its weights choose, at <pod IP>:MODEL_SERVER_PORT.
// A model of type Image runs its own image instead (image-service-manifest.ts): no staging Secret, and the gateway
// sends the prediction to the path of the image's api the caller named, over HTTP or HTTPS as that api declares.
// The replica that deploys a service follows it and holds its lease; after a restart the reconciler adopts the
// services whose objects it finds by their labels (taking the lease first, so no two replicas follow one service).
import { Agent } from 'node:http';
import { Agent as TlsAgent } from 'node:https';
import type { DeployableModel } from '#src/modules/models/index.ts';
import { parseSourceLocation } from '#src/modules/models/index.ts';
import type { Clock } from '#src/core/time.ts';
import type { KubeTarget } from '#src/runtime/kubernetes/kube-config.ts';
import { podLogFailure } from '#src/runtime/kubernetes/pod-logs.ts';
import { poolPlacement } from '#src/runtime/kubernetes/pool-placement.ts';
import {
  LABEL_MODEL,
  MODEL_CONTAINER,
  MODEL_DIR,
  MODEL_SERVER_PORT,
  serviceSharedObjects,
  serviceVersionLabels,
  serviceVersionName,
  serviceVersionObjects,
} from '#src/runtime/kubernetes/service-manifest.ts';
import { imageVersionObjects } from '#src/runtime/kubernetes/image-service-manifest.ts';
import type { WorkloadDefaults } from '#src/runtime/kubernetes/workload-isolation.ts';
import { ServiceObjectsClient, serviceStagingName } from '#src/runtime/kubernetes/service-objects.ts';
import { servicePodState, ServiceWatch } from '#src/runtime/kubernetes/service-watch.ts';
import { stagingSecretOf, type StagingPlan, type StoreCredential } from '#src/runtime/kubernetes/training-job-staging.ts';
import type { ReplicaLeases } from '#src/runtime/leases.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { Routed } from '#src/runtime/serving/deployment.ts';
import { PredictTimeoutError } from '#src/runtime/serving/instance.ts';
import { postPrediction } from '#src/runtime/serving/python-instance.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { LOCAL_CLUSTER_ID, flavorAmount } from './flavors.ts';
import { imageServerOf, isImageModel } from './image-models.ts';
import { INSTANCE_LOG_MAX_BYTES, type InstanceLog, type InstanceLogsQuery } from './instance-log-schemas.ts';
import { lastLines } from './instance-logs.ts';
import type { ServiceCluster, ServiceClusterListener } from './service-cluster.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceRow, ServiceStatus } from './tables.ts';
import type { StoredConfig } from './views.ts';

export interface KubeServiceSettings {
  target: KubeTarget;
  /** The runtime image the model servers run (--kube-image): it holds serve.py and stage.py. */
  image: string;
  /** How the pods reach the object store; undefined for a store they cannot reach (deploying fails saying so). */
  credential: StoreCredential | undefined;
  /** The object store's bucket behind an API bucket name. */
  realBucket: (bucket: string) => string;
  /** How long a prediction may take. */
  predictTimeoutMs: number;
  /** The installation's closed networks and pull secrets, for every pod. */
  defaults: WorkloadDefaults;
}

interface Followed {
  /** The update log entry the current deployment completes. */
  logId: string | undefined;
  /** Whether the service answered before this deployment (an update, not a first start). */
  update: boolean;
  /** The pod states already said in the events (pod name and reason). */
  said: Set<string>;
}

const leaseName = (serviceId: string) => `service:${serviceId}`;
const STAGE_CONTAINER = 'stage-model';
const configsOf = (row: Pick<ServiceRow, 'config'>) => JSON.parse(row.config) as StoredConfig[];

export class KubeServiceRunner implements ServiceCluster {
  private readonly client: ServiceObjectsClient;
  private readonly watch: ServiceWatch;
  private readonly watching: Promise<void>;
  private readonly followed = new Map<string, Followed>();
  private readonly checks = new Map<string, Promise<void>>();
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  // An Image model whose api is https serves with a certificate of its own making, which nothing could verify; the
  // request stays on the pod network, behind the service's NetworkPolicy, so its certificate is not checked.
  private readonly tlsAgent = new TlsAgent({ keepAlive: true, maxSockets: 64, rejectUnauthorized: false });
  private readonly renew: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly kube: KubeServiceSettings,
    private readonly store: ServiceStore,
    private readonly clock: Clock,
    private readonly buckets: BucketAccess,
    private readonly listener: ServiceClusterListener,
    private readonly log: Logger,
    private readonly replica: ReplicaLeases | undefined,
  ) {
    const { kc, namespace } = kube.target;
    this.client = new ServiceObjectsClient(kc, namespace);
    this.watch = new ServiceWatch(kc, namespace, (id) => void this.check(id));
    this.watching = this.watch.start().catch((err: unknown) => this.log.error({ err }, 'the service watch did not start'));
    if (replica) {
      this.renew = setInterval(() => {
        for (const id of this.followed.keys()) void replica.leases.acquire(leaseName(id), replica.id, replica.ttlMs).catch(() => false);
      }, replica.ttlMs / 3);
      this.renew.unref();
    }
  }

  follows(serviceId: string): boolean {
    return this.followed.has(serviceId);
  }

  private take(serviceId: string): Promise<boolean> {
    return this.replica ? this.replica.leases.acquire(leaseName(serviceId), this.replica.id, this.replica.ttlMs) : Promise.resolve(true);
  }

  private async unfollow(serviceId: string): Promise<void> {
    this.followed.delete(serviceId);
    await this.replica?.leases.release(leaseName(serviceId), this.replica.id).catch(() => undefined);
  }

  async apply(row: ServiceRow, models: Map<string, DeployableModel>, logId: string | undefined): Promise<void> {
    await this.watching;
    if (this.closed) throw new Error('Atelier is shutting down');
    const namespace = this.kube.target.namespace;
    const configs = configsOf(row);
    const versions = [];
    // Every model is checked first: a grant revoked since the import fails the deployment before anything is made.
    for (const c of configs) {
      const model = models.get(c.model_id);
      if (!model) throw new Error(`model ${c.model_id} no longer exists`);
      const share = flavorAmount(c.specification, c.custom_spec);
      if (typeof share === 'string') throw new Error(share);
      const pool = c.cluster_id ?? row.cluster_id;
      const version = {
        serviceId: row.id,
        projectId: row.project_id,
        namespace,
        ...this.kube.defaults,
        modelId: c.model_id,
        instanceCount: c.instance_count,
        env: c.envs,
        perInstance: share,
        ...(pool && pool !== LOCAL_CLUSTER_ID ? poolPlacement(pool) : {}),
      };
      if (isImageModel(model)) {
        // The image carries its model: nothing is staged, so neither the runtime image nor the object store is needed.
        const server = imageServerOf(model);
        if (typeof server === 'string') throw new Error(`model ${model.id}: ${server}`);
        const objects = imageVersionObjects({ ...version, image: server.image, ...(server.health ? { health: server.health } : {}) });
        versions.push({ c, image: server.image, objects });
        continue;
      }
      if (!this.kube.credential) throw new Error('the kubernetes executor needs an S3-compatible object store its pods can reach (--object-store s3)');
      if (!this.kube.image) throw new Error('the kubernetes executor has no runtime image: set --kube-image');
      const folder = parseSourceLocation(model.sourceLocation, `model ${model.id} source_location`);
      await this.buckets.check({ domainId: row.tenant }, folder, `model ${model.id} source_location`);
      const plan: StagingPlan = { code: { bucket: this.kube.realBucket(folder.bucket), key: `${folder.key}model/`, dir: MODEL_DIR }, inputs: [], outputs: [] };
      const labels = serviceVersionLabels(row.id, row.project_id, c.model_id);
      const secret = stagingSecretOf(serviceStagingName(row.id, c.model_id), namespace, labels, plan, this.kube.credential);
      const objects = serviceVersionObjects({
        ...version,
        image: this.kube.image,
        modelType: model.config.model_type,
        modelName: model.name,
        stagingSecret: serviceStagingName(row.id, c.model_id),
      });
      versions.push({ c, image: this.kube.image, objects: { ...objects, secret } });
    }
    const previous = this.followed.get(row.id);
    const wasServing = configs.some((c) => this.watch.readyAddresses(row.id, c.model_id).length > 0);
    this.followed.set(row.id, { logId, update: previous !== undefined || wasServing, said: previous?.said ?? new Set() });
    await this.take(row.id);
    await this.client.applyShared(serviceSharedObjects({ serviceId: row.id, projectId: row.project_id, namespace, ...this.kube.defaults }));
    for (const { c, image, objects } of versions) {
      const made = await this.client.applyVersion(objects);
      const name = objects.deployment.metadata!.name!;
      this.listener.event(
        row.id,
        'normal',
        `[${c.model_name} ${c.model_version}] ${made === 'created' ? 'created' : 'changed'} Deployment ${name} (${c.instance_count} instance(s), image ${image}) in namespace ${namespace}`,
      );
    }
    // Versions no longer in the config go.
    for (const modelId of await this.client.versionsOf(row.id)) {
      if (configs.some((c) => c.model_id === modelId)) continue;
      await this.client.removeVersion(row.id, modelId);
      this.listener.event(row.id, 'normal', `removed Deployment ${serviceVersionName(row.id, modelId)}: model ${modelId} left the config`);
    }
    void this.check(row.id);
  }

  async remove(row: Pick<ServiceRow, 'id' | 'config'>): Promise<void> {
    await this.unfollow(row.id);
    await this.watching;
    await this.client.remove(
      row.id,
      configsOf(row).map((c) => c.model_id),
    );
  }

  async adopt(row: ServiceRow): Promise<'adopted' | 'absent' | 'elsewhere'> {
    await this.watching;
    // A reconciler pass still running while this server shuts down must not take a lease it will never renew.
    if (this.closed) return 'elsewhere';
    if (this.followed.has(row.id)) return 'adopted';
    if (this.watch.deploymentsOf(row.id).length === 0) return 'absent';
    if (!(await this.take(row.id))) return 'elsewhere';
    // Closed while the lease was being taken: handed back at once.
    if (this.closed) {
      await this.unfollow(row.id);
      return 'elsewhere';
    }
    const serving = configsOf(row).some((c) => this.watch.readyAddresses(row.id, c.model_id).length > 0);
    // The deployment under way when the last server stopped still completes its update log entry.
    const pending = (await this.store.updateLogs(row.id, undefined))[0];
    this.followed.set(row.id, { logId: pending?.result === 'RUNNING' ? pending.id : undefined, update: serving, said: new Set() });
    this.listener.event(row.id, 'normal', "Atelier restarted: following the service's Deployments again");
    void this.check(row.id);
    return 'adopted';
  }

  async removeOrphans(): Promise<string[]> {
    await this.watching;
    return this.client.removeOrphans(async (id) => {
      if (this.followed.has(id)) return true;
      const row = await this.store.byId(id);
      return row !== undefined && row.desired === 'running' && row.status !== 'failed' && row.infer_type === 'real-time';
    });
  }

  route(row: ServiceRow): Routed | undefined {
    if (row.desired !== 'running') return undefined;
    const versions = configsOf(row)
      .map((c) => ({ modelId: c.model_id, weight: c.weight ?? 100, addresses: this.watch.readyAddresses(row.id, c.model_id) }))
      .filter((v) => v.addresses.length > 0 && v.weight > 0);
    if (versions.length === 0) return undefined;
    let r = Math.random() * versions.reduce((n, v) => n + v.weight, 0);
    const version = versions.find((v) => (r -= v.weight) < 0) ?? versions[versions.length - 1]!;
    const address = version.addresses[Math.floor(Math.random() * version.addresses.length)]!;
    const timeoutMs = this.kube.predictTimeoutMs;
    return {
      modelId: version.modelId,
      predict: async (req) => {
        const signal = AbortSignal.timeout(timeoutMs);
        try {
          return await postPrediction(MODEL_SERVER_PORT, req.tls ? this.tlsAgent : this.agent, { ...req, signal }, address);
        } catch (e) {
          if (signal.aborted) throw new PredictTimeoutError(timeoutMs);
          throw e;
        }
      },
    };
  }

  async instanceLogs(row: ServiceRow, q: InstanceLogsQuery): Promise<{ total: number; instances: InstanceLog[] }> {
    await this.watching;
    const configs = configsOf(row);
    const time = (t: Date | undefined) => new Date(t ?? 0).getTime();
    const pods = this.watch
      .podsOf(row.id)
      .filter((p) => (q.instance_id === undefined || p.metadata?.name === q.instance_id) && (q.model_id === undefined || modelOf(p) === q.model_id))
      .sort((a, b) => time(b.metadata?.creationTimestamp) - time(a.metadata?.creationTimestamp));
    const instances = await Promise.all(
      pods.slice(0, q.limit).map(async (p): Promise<InstanceLog> => {
        const name = p.metadata!.name!;
        const c = configs.find((x) => x.model_id === modelOf(p));
        const parts = await Promise.all(
          // An Image model's pod stages nothing: its image's own log is all there is.
          [...(p.spec?.initContainers?.some((x) => x.name === STAGE_CONTAINER) ? [STAGE_CONTAINER] : []), MODEL_CONTAINER].map(async (container) => {
            try {
              const text = await this.client.podLog(name, container, INSTANCE_LOG_MAX_BYTES);
              return text === '' || text.endsWith('\n') ? text : `${text}\n`;
            } catch (err) {
              return `[ModelArts Service Log] the log of ${container} in pod ${name} cannot be read from the cluster: ${podLogFailure(err)}\n`;
            }
          }),
        );
        const full = parts.join('');
        const content = lastLines(full, q.lines);
        return {
          instance_id: name,
          model_id: modelOf(p) ?? '',
          model_name: c?.model_name ?? '',
          model_version: c?.model_version ?? '',
          started_at: time(p.metadata?.creationTimestamp),
          serving: servicePodState(p).kind === 'ready',
          content,
          current_size: Buffer.byteLength(content),
          full_size: Buffer.byteLength(full),
        };
      }),
    );
    return { total: pods.length, instances };
  }

  /** Moves the service's status after a change to its objects, one check at a time per service. */
  private check(serviceId: string): Promise<void> {
    const next = (this.checks.get(serviceId) ?? Promise.resolve())
      .then(() => this.checkNow(serviceId))
      .catch((err: unknown) => this.log.error({ err, service: serviceId }, 'following a service on the cluster failed'));
    this.checks.set(serviceId, next);
    void next.finally(() => {
      if (this.checks.get(serviceId) === next) this.checks.delete(serviceId);
    });
    return next;
  }

  private async checkNow(serviceId: string): Promise<void> {
    const f = this.followed.get(serviceId);
    if (!f || this.closed) return;
    const row = await this.store.byId(serviceId);
    // Stopped or deleted through another replica, which removes the objects: nothing left to follow.
    if (!row || row.desired !== 'running') return this.unfollow(serviceId);
    const configs = configsOf(row);
    let allReady = true;
    let anyReady = false;
    const failures: string[] = [];
    for (const c of configs) {
      let ready = 0;
      for (const pod of this.watch.podsOf(serviceId, c.model_id)) {
        const state = servicePodState(pod);
        if (state.kind === 'ready') {
          ready++;
          continue;
        }
        const key = `${pod.metadata?.name ?? ''} ${state.reason}`;
        if (state.kind === 'failed') failures.push(`pod ${pod.metadata?.name ?? ''} of ${c.model_name} ${c.model_version}: ${state.reason}`);
        if (!f.said.has(key)) {
          f.said.add(key);
          this.listener.event(
            serviceId,
            state.kind === 'failed' ? 'abnormal' : 'normal',
            `[${c.model_name} ${c.model_version}] pod ${pod.metadata?.name ?? ''}: ${state.reason}`,
          );
        }
      }
      if (ready > 0) anyReady = true;
      if (ready < c.instance_count || !this.rolledOut(serviceId, c.model_id, c.instance_count)) allReady = false;
    }
    if (allReady) {
      if (row.status !== 'running') {
        await this.store.update(serviceId, { status: 'running', error_msg: null, transition_at: this.clock.now() });
        this.listener.event(
          serviceId,
          'normal',
          row.status === 'concerning' ? 'every instance answers again' : f.update ? 'service updated' : 'service is running',
        );
      }
      await this.settleLog(f, 'SUCCESS');
      f.update = true;
      return this.listener.flush();
    }
    if (failures.length === 0) {
      // A running service short of instances (one lost, being replaced) is concerning until they answer again.
      if (row.status === 'running' && configs.some((c) => this.watch.podsOf(serviceId, c.model_id).length < c.instance_count || !anyReady))
        await this.setStatus(row, 'concerning');
      return this.listener.flush();
    }
    if (row.status === 'deploying' && !anyReady) {
      // A first deployment whose pods cannot run: failed, and its objects removed (nothing of it answers).
      // Failed is written before the service is let go: a reconciler pass meanwhile would find a deploying service
      // nobody follows, without its Deployment, and deploy it again.
      const reason = failures[0]!;
      this.listener.event(serviceId, 'abnormal', `deployment failed: ${reason}`);
      await this.settleLog(f, 'FAIL');
      await this.store.update(serviceId, { status: 'failed', error_msg: reason.slice(0, 1000), transition_at: this.clock.now() });
      await this.unfollow(serviceId);
      this.listener.release(serviceId);
      // Objects a failed removal leaves are orphans to the next reconciler pass.
      await this.client.remove(
        serviceId,
        configs.map((c) => c.model_id),
      );
      return this.listener.flush();
    }
    // Some instances answer: the service serves, short of the failed ones.
    if (row.status === 'deploying') await this.settleLog(f, 'FAIL');
    await this.setStatus(row, 'concerning');
    return this.listener.flush();
  }

  /** Whether the version's Deployment has its current spec on every pod, all available (a rolling change has ended). */
  private rolledOut(serviceId: string, modelId: string, want: number): boolean {
    const d = this.watch.deploymentsOf(serviceId).find((x) => x.metadata?.labels?.[LABEL_MODEL] === modelId);
    const s = d?.status;
    if (!d || !s || (s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return false;
    return (s.updatedReplicas ?? 0) >= want && (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= want;
  }

  private async setStatus(row: ServiceRow, status: ServiceStatus): Promise<void> {
    if (row.status === status) return;
    await this.store.update(row.id, { status, transition_at: this.clock.now() });
  }

  private async settleLog(f: Followed, result: 'SUCCESS' | 'FAIL'): Promise<void> {
    if (!f.logId) return;
    const id = f.logId;
    f.logId = undefined;
    await this.store.setLogResult(id, result);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.renew);
    await Promise.allSettled([...this.checks.values()]);
    // Followed services are handed over at once: another replica's reconciler adopts them.
    for (const id of [...this.followed.keys()]) await this.unfollow(id);
    await this.watch.stop().catch(() => undefined);
    this.agent.destroy();
    this.tlsAgent.destroy();
  }
}

const modelOf = (p: { metadata?: { labels?: Record<string, string> } }) => p.metadata?.labels?.[LABEL_MODEL];
