import { createHash } from 'node:crypto';
import type { Static } from 'typebox';
import type { PoolWorkload, PoolWorkloads, WorkloadType } from '#src/core/pool-workloads.ts';
import type { Clock } from '#src/core/time.ts';
import type { DedicatedPool, PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import { workloadErrors } from './errors.ts';
import type { ListWorkloadsQuery, Workload, WorkloadList, WorkloadStatistics } from './schemas.ts';
import { STATUSES, workloadTypes } from './schemas.ts';

export interface PoolWorkloadServiceDeps {
  clock: Clock;
  pools: Pick<PoolRegistry, 'get'>;
  poolWorkloads: Pick<PoolWorkloads, 'list'>;
  /** The IP of the machine a node of a pool slices. */
  nodeIp: (node: string) => string;
}

const GVK: Record<WorkloadType, string> = {
  train: 'modelarts.huaweicloud.com/v1, Kind=TrainingJob',
  infer: 'modelarts.huaweicloud.com/v1, Kind=Service',
  notebook: 'modelarts.huaweicloud.com/v1, Kind=Notebook',
};

/** Cores as a Kubernetes quantity: whole cores as a number, fractions in millicores. */
const cpuQuantity = (cores: number): string => (Number.isInteger(cores) ? String(cores) : `${Math.round(cores * 1000)}m`);

/** A stable UUID-shaped id for the work's key in the pool. */
function uidOf(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const seconds = (ms: number): number => Math.max(0, Math.floor(ms / 1000));

/** Lists and counts what runs in a project's dedicated pool, from the families that run it. */
export class PoolWorkloadService {
  constructor(private readonly deps: PoolWorkloadServiceDeps) {}

  async list(projectId: string, poolName: string, query: Static<typeof ListWorkloadsQuery>): Promise<Static<typeof WorkloadList>> {
    const pool = this.pool(projectId, poolName);
    const offset = query.offset !== undefined ? Number(query.offset) : 0;
    if (!Number.isSafeInteger(offset) || offset > 2_147_483_647) throw workloadErrors.badRequest(`offset: ${query.offset} is above 2147483647`);
    const limit = query.limit || 500;
    const all = (await this.deps.poolWorkloads.list(projectId, pool.name))
      .filter((w) => (query.type === undefined || w.type === query.type) && (query.status === undefined || w.status === query.status))
      .sort((a, b) => (query.ascend === true ? a.createTime - b.createTime : b.createTime - a.createTime) || a.id.localeCompare(b.id));
    return { apiVersion: 'v1', kind: 'WorkloadList', items: all.slice(offset, offset + limit).map((w) => this.view(pool, w)) };
  }

  async statistics(projectId: string, poolName: string): Promise<Static<typeof WorkloadStatistics>> {
    const pool = this.pool(projectId, poolName);
    const all = await this.deps.poolWorkloads.list(projectId, pool.name);
    const items = workloadTypes.map((type) => {
      const ofType = all.filter((w) => w.type === type);
      const status = Object.fromEntries(STATUSES.map((s) => [s, ofType.filter((w) => w.status === s).length])) as Record<(typeof STATUSES)[number], number>;
      return { type, total: ofType.length, status };
    });
    return { statistics: { total: items.length, items } };
  }

  private view(pool: DedicatedPool, w: PoolWorkload): Static<typeof Workload> {
    const now = this.deps.clock.now();
    const holding = pool.pool.holdings().find((h) => h.key === w.poolKey);
    const ips = [...new Set((holding?.placement ?? []).map((share) => this.deps.nodeIp(share.node)))];
    return {
      apiVersion: 'v1',
      kind: 'Workload',
      type: w.type,
      namespace: pool.name,
      name: w.poolKey,
      jobName: w.name,
      uid: uidOf(w.poolKey),
      jobUUID: w.id,
      flavor: w.flavor,
      status: w.status,
      resourceRequirement: { cpu: cpuQuantity(w.cpu), memory: `${w.memoryMb}Mi` },
      priority: '1',
      runningDuration: w.startTime !== undefined ? seconds((w.endTime ?? now) - w.startTime) : 0,
      pendingDuration: seconds((w.startTime ?? w.endTime ?? now) - w.createTime),
      pendingPosition: w.pendingPosition ?? 0,
      createTime: w.createTime,
      gvk: GVK[w.type],
      hostIps: ips.join(','),
    };
  }

  /** The project's dedicated pool, or the spec's 404 (another project's pool does not exist for the caller). */
  private pool(projectId: string, poolName: string): DedicatedPool {
    const pool = this.deps.pools.get(poolName);
    if (!pool || pool.projectId !== projectId) throw workloadErrors.poolNotFound(poolName);
    return pool;
  }
}
