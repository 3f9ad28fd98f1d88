// Specifications (#135) and clusters (#136): what this host can serve, and its one pool.
import type { Principal } from '#src/auth/principal.ts';
import { hostResources } from '#src/runtime/local/host-resources.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { LOCAL_CLUSTER_ID, type ServiceFlavors } from './flavors.ts';
import type { Cluster, ClustersQuery } from './schemas.ts';

export function specifications(flavors: ServiceFlavors, q: { limit?: string; offset?: string }) {
  const all = flavors.servable().map((f) => ({
    specification: f.specification,
    billing_spec: f.specification,
    is_open: true,
    spec_status: 'normal',
    is_free: f.free,
    over_quota: false,
    extend_params: 1,
    display_en: f.display,
    display_cn: f.display,
  }));
  const offset = Number(q.offset ?? 0);
  const limit = Number(q.limit ?? 1000);
  return { specifications: all.slice(offset, offset + limit) };
}

/** The local pool, started with the server. */
const startedAt = Date.now();

/** The pool services of no pool run in: this host's, or on the kubernetes executor the cluster's schedulable nodes. */
export function clusters(pool: LocalPool, onCluster: boolean, caller: Principal, q: ClustersQuery) {
  const host = hostResources();
  const used = pool.used();
  const size = pool.capacity;
  const local: Cluster = {
    cluster_id: LOCAL_CLUSTER_ID,
    cluster_name: 'local-pool',
    description: onCluster
      ? `The cluster's schedulable nodes: ${pool.nodes().length}, ${Math.round(size.cpu * 100) / 100} cores, ${Math.round(size.memoryMb)} MB`
      : `This host: ${host.cpuCores} cores, ${host.memoryMb} MB`,
    tenant: caller.domainId,
    project: caller.projectId,
    owner: caller.userId,
    created_at: startedAt,
    status: 'running',
    nodes: onCluster
      ? { specification: 'kubernetes', count: pool.nodes().length, available_count: pool.nodes().length }
      : { specification: `local.${host.arch}`, count: 1, available_count: 1 },
    allocatable_cpu_cores: Math.max(0, Math.round((pool.capacity.cpu - used.cpu) * 100) / 100),
    allocatable_memory: Math.max(0, Math.round(pool.capacity.memoryMb - used.memoryMb)),
    allocatable_gpus: 0,
  };
  const matching = [local].filter(
    (c) => (q.cluster_name === undefined || c.cluster_name.includes(q.cluster_name)) && (q.status === undefined || c.status === q.status),
  );
  const page = matching.slice(q.offset * q.limit, q.offset * q.limit + q.limit);
  return { total_count: matching.length, count: page.length, clusters: page };
}
