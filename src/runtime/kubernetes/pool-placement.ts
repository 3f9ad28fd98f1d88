// A resource pool is a set of the cluster's nodes carrying the pool's label; a workload of the pool is placed on them
// by a nodeSelector.
export const POOL_LABEL = 'atelier.io/pool';

/** The nodeSelector that keeps a workload on its pool's nodes. */
export function poolNodeSelector(pool: string): Record<string, string> {
  if (pool.length > 63 || !/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(pool))
    throw new Error(`the pool name ${JSON.stringify(pool)} cannot be a label value`);
  return { [POOL_LABEL]: pool };
}
