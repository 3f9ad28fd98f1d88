// The training jobs of a dedicated pool as ListWorkloads shows them (src/core/pool-workloads.ts).
import type { PoolWorkload, WorkloadStatus } from '#src/core/pool-workloads.ts';
import { poolKey } from './scheduler.ts';
import type { TrainingJobStore } from './store.ts';
import type { JobPhase, TrainingJobRow } from './tables.ts';

const STATUS: Record<JobPhase, WorkloadStatus> = {
  Creating: 'Creating',
  Pending: 'Queue',
  Running: 'Running',
  Terminating: 'Terminating',
  Completed: 'Completed',
  Terminated: 'Terminated',
  Failed: 'Failed',
  Abnormal: 'Abnormal',
};

/** The project's jobs placed in the pool, with their place in the pool's queue while they wait. */
export async function trainingWorkloads(store: TrainingJobStore, projectId: string, poolName: string): Promise<PoolWorkload[]> {
  const rows = await store.inPool(projectId, poolName);
  // The queue is the pool's, across projects: a position counts every waiting job ahead in it.
  const queue = (await store.inPhases(['Creating', 'Pending'])).filter((j) => j.pool_name === poolName).map((j) => j.id);
  return rows.map((j) => workload(j, queue.indexOf(j.id)));
}

function workload(j: TrainingJobRow, queued: number): PoolWorkload {
  return {
    type: 'train',
    poolKey: poolKey(j.id),
    id: j.id,
    name: j.name,
    flavor: j.flavor_id,
    status: STATUS[j.phase],
    cpu: j.cpu,
    memoryMb: Number(j.memory_mb),
    replicas: j.node_count,
    createTime: Number(j.create_time),
    ...(j.start_time ? { startTime: Number(j.start_time) } : {}),
    ...(j.end_time ? { endTime: Number(j.end_time) } : {}),
    ...(queued >= 0 ? { pendingPosition: queued + 1 } : {}),
  };
}
