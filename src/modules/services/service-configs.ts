// A service's model configs: checked against the models, the sandbox and the buckets when a
// service is created or updated, and the capacity they take from the local pool.
import { errors } from '#src/core/errors.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { PoolNode } from '#src/runtime/local/local-pool.ts';
import type { PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import type { Sandbox } from '#src/runtime/sandbox/sandbox.ts';
import type { BucketAccess } from '#src/storage/bucket-access.ts';
import { batchPaths, checkBatchConfig } from './batch-service.ts';
import { serviceErrors } from './errors.ts';
import { flavorAmount, LOCAL_CLUSTER_ID, type ServiceFlavors } from './flavors.ts';
import { runsUserCode, unservable } from './instances.ts';
import type { DeployableModels } from './ports.ts';
import type { CustomSpec, ServiceConfig } from './schemas.ts';
import type { StoredConfig } from './views.ts';

/** The capacity one instance of a config takes; a 400 naming the field when its flavor cannot be used here. */
function instanceAmount(
  c: { specification: string; custom_spec?: CustomSpec },
  field: string,
  amountOf: (specification: string, custom: CustomSpec | undefined) => PoolAmount | string = flavorAmount,
): PoolAmount {
  const amount = amountOf(c.specification, c.custom_spec);
  if (typeof amount === 'string') throw errors.badParam(`${field}: ${amount}`);
  return amount;
}

/** The capacity a stored config list takes, all its instances together. */
export function storedAmount(configs: StoredConfig[]): PoolAmount {
  let cpu = 0;
  let memoryMb = 0;
  for (const c of configs) {
    const a = instanceAmount(c, 'config.specification');
    cpu += a.cpu * c.instance_count;
    memoryMb += a.memoryMb * c.instance_count;
  }
  return { cpu, memoryMb };
}

export class ServiceConfigs {
  constructor(
    private readonly models: DeployableModels,
    private readonly sandbox: Sandbox,
    private readonly buckets: BucketAccess,
    private readonly pools: PoolRegistry,
    private readonly flavors: ServiceFlavors,
    /** Services run on the cluster (the kubernetes executor): real-time ones as Deployments, batch ones as a Job per run. */
    private readonly realTimeOnCluster = false,
  ) {}

  /** Checks a config list against the models and the pool; returns the stored form and the dedicated pool it runs in, if any. */
  async resolve(
    projectId: string,
    configs: ServiceConfig[],
    clusterId: string | undefined,
    inferType: string,
  ): Promise<{ stored: StoredConfig[]; cpu: number; memoryMb: number; instances: number; pool?: string }> {
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
    let instances = 0;
    const dedicated = new Set<string>();
    const shares: PoolAmount[] = [];
    let nodes: readonly PoolNode[] = [];
    for (const [i, c] of configs.entries()) {
      const cluster = c.cluster_id ?? clusterId;
      if (cluster !== undefined && cluster !== LOCAL_CLUSTER_ID) {
        const placed = await this.pools.resolve(projectId, cluster, 'Infer');
        if (!placed.ok && placed.reason === 'not-found') throw serviceErrors.clusterNotFound(cluster);
        if (!placed.ok) throw errors.badParam(`${c.cluster_id ? `body.config[${i}].cluster_id` : 'body.pool_name'}: ${placed.message}`);
        dedicated.add(cluster);
        nodes = placed.pool.nodes();
      }
      const model = await this.models.deployable(projectId, c.model_id);
      if (!model) throw serviceErrors.modelNotFound(c.model_id);
      const versionKey = `${model.name} ${model.version}`;
      if (seen.has(versionKey)) throw serviceErrors.sameModelVersion();
      seen.add(versionKey);
      if (model.status === 'publishing') throw serviceErrors.modelPublishing(model.id);
      if (model.status !== 'published') throw serviceErrors.modelNotDeployable(model.id, inferType, `model status ${model.status}`);
      const why = unservable(model, this.realTimeOnCluster ? 'cluster' : 'host');
      if (why) throw serviceErrors.modelNotDeployable(model.id, inferType, why);
      if (runsUserCode(model)) await this.sandbox.admitProject(projectId);
      if (batch && model.config.apis.length === 0) throw serviceErrors.noInputParams();
      const batchFields = batch ? checkBatchConfig(c, model.config.apis[0]) : undefined;
      if (batchFields) {
        const paths = batchPaths(batchFields);
        await this.buckets.check({ projectId }, paths.src, `body.config[${i}].src_path`);
        await this.buckets.check({ projectId }, paths.dest, `body.config[${i}].dest_path`, 'write');
      }
      const amount = instanceAmount(c, `body.config[${i}].specification`, (s, custom) => this.flavors.amountOf(s, custom));
      cpu += amount.cpu * c.instance_count;
      memoryMb += amount.memoryMb * c.instance_count;
      instances += c.instance_count;
      for (let k = 0; k < c.instance_count; k++) shares.push(amount);
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
    const pool = [...dedicated][0];
    if (pool) {
      // One pool per service: its instances are placed on that pool's nodes.
      if (dedicated.size > 1 || configs.some((c) => (c.cluster_id ?? clusterId) !== pool))
        throw errors.badParam(`body.config[].cluster_id: all models of a service run in one resource pool (${pool})`);
      if (!everFits(nodes, shares))
        throw serviceErrors.insufficientResources(`the instances can never all run in resource pool ${pool}: an instance is placed whole on one of its nodes`);
    }
    return { stored, cpu, memoryMb, instances, ...(pool ? { pool } : {}) };
  }
}

/** Whether every share can be placed, first fit, on the nodes when nothing else runs there. */
function everFits(nodes: readonly PoolNode[], shares: PoolAmount[]): boolean {
  const free = nodes.map((n) => ({ ...n.capacity }));
  for (const s of shares) {
    const node = free.find((f) => s.cpu <= f.cpu + 1e-9 && s.memoryMb <= f.memoryMb);
    if (!node) return false;
    node.cpu -= s.cpu;
    node.memoryMb -= s.memoryMb;
  }
  return true;
}
