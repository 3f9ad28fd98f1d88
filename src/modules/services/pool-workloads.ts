// The services of a dedicated pool as ListWorkloads shows them (src/core/pool-workloads.ts).
import type { PoolWorkload, WorkloadStatus } from '#src/core/pool-workloads.ts';
import { storedAmount } from './service-configs.ts';
import type { ServiceManager } from './service-manager.ts';
import type { ServiceStore } from './store.ts';
import type { ServiceRow } from './tables.ts';
import type { StoredConfig } from './views.ts';

function status(row: ServiceRow, waiting: boolean): WorkloadStatus {
  switch (row.status) {
    case 'deploying':
      return waiting ? 'Queue' : 'Creating';
    case 'running':
    case 'concerning':
      return 'Running';
    case 'failed':
      return 'Failed';
    case 'finished':
      return 'Completed';
    case 'stopped':
      return 'Terminated';
  }
}

/** The project's services placed in the pool, with their place in its queue while they wait for room. */
export async function serviceWorkloads(store: ServiceStore, manager: ServiceManager, projectId: string, poolName: string): Promise<PoolWorkload[]> {
  const rows = await store.inPool(projectId, poolName);
  const inPool = new Set(rows.map((r) => r.id));
  const queue = manager.waitingIds().filter((id) => inPool.has(id));
  return rows.map((row) => {
    const configs = JSON.parse(row.config) as StoredConfig[];
    const amount = storedAmount(configs);
    const position = queue.indexOf(row.id);
    const running = row.status === 'running' || row.status === 'concerning';
    const ended = row.status === 'stopped' || row.status === 'failed' || row.status === 'finished';
    return {
      type: 'infer',
      poolKey: row.id,
      id: row.id,
      name: row.service_name,
      flavor: configs[0]?.specification ?? '',
      status: status(row, position >= 0),
      cpu: amount.cpu,
      memoryMb: amount.memoryMb,
      replicas: configs.reduce((n, c) => n + c.instance_count, 0),
      createTime: Number(row.publish_at),
      ...(running ? { startTime: Number(row.transition_at) } : {}),
      ...(ended ? { endTime: Number(row.transition_at) } : {}),
      ...(position >= 0 ? { pendingPosition: position + 1 } : {}),
    };
  });
}
