// The notebook instances of a dedicated pool as ListWorkloads shows them (src/core/pool-workloads.ts).
import type { PoolWorkload, WorkloadStatus } from '#src/core/pool-workloads.ts';
import { poolKey, type NotebookEngine } from './engine.ts';
import type { NotebookStore } from './store.ts';
import type { NotebookStatus } from './tables.ts';

const STATUS: Record<NotebookStatus, WorkloadStatus> = {
  INIT: 'Creating',
  CREATING: 'Creating',
  STARTING: 'Creating',
  STOPPING: 'Terminating',
  DELETING: 'Terminating',
  RUNNING: 'Running',
  SNAPSHOTTING: 'Running',
  STOPPED: 'Terminated',
  CREATE_FAILED: 'Failed',
  START_FAILED: 'Failed',
  DELETE_FAILED: 'Failed',
  ERROR: 'Abnormal',
  DELETED: 'Terminated',
  FROZEN: 'Abnormal',
};

/** The project's instances placed in the pool; one waiting for room is queued, with its place in line. */
export async function notebookWorkloads(store: NotebookStore, engine: NotebookEngine, projectId: string, poolName: string): Promise<PoolWorkload[]> {
  const rows = await store.inPool(projectId, poolName);
  const inPool = new Set(rows.map((r) => r.id));
  return rows.map((row) => {
    const position = engine.queuePosition(row.id, (other) => inPool.has(other));
    return {
      type: 'notebook',
      poolKey: poolKey(row.id),
      id: row.id,
      name: row.name,
      flavor: row.flavor,
      status: position ? 'Queue' : STATUS[row.status],
      cpu: row.cpu,
      memoryMb: row.memory_mb,
      replicas: 1,
      createTime: Number(row.create_at),
      ...(row.status === 'STOPPED' ? { endTime: Number(row.update_at) } : {}),
      ...(position ? { pendingPosition: position } : {}),
    };
  });
}
