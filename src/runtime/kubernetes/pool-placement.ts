// A resource pool is a set of the cluster's nodes carrying the pool's label; a workload of the pool is placed on them
// by a nodeSelector, and its pods name the pool's PriorityClass, which the pool's ResourceQuota counts (pool-quota.ts).
export const POOL_LABEL = 'atelier.io/pool';

/** The pool's PriorityClass (cluster-wide) and ResourceQuota (in the workloads' namespace) share this name. */
export const poolPriorityClass = (pool: string): string => `atelier-${pool}`;

/** What a pod of the pool carries: the nodeSelector and the PriorityClass. */
export function poolPlacement(pool: string): { nodeSelector: Record<string, string>; priorityClassName: string } {
  return { nodeSelector: poolNodeSelector(pool), priorityClassName: poolPriorityClass(pool) };
}

/** The nodeSelector that keeps a workload on its pool's nodes. */
export function poolNodeSelector(pool: string): Record<string, string> {
  if (pool.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(pool))
    throw new Error(`the pool name ${JSON.stringify(pool)} cannot be a label value`);
  return { [POOL_LABEL]: pool };
}
