// Intelligent tasks placed in a dedicated pool (config.pool_id), as ListWorkloads shows them: the
// learner of auto labeling and auto grouping as training work, a pre-label model instance as inference.
import type { PoolWorkload, WorkloadStatus } from '#src/core/pool-workloads.ts';
import { amountOf, flavorAmount } from '#src/modules/services/index.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import { LEARNER_AMOUNT } from './engine.ts';
import { instanceConfigOf } from './prelabel.ts';
import type { SmartTaskConfig } from './schemas.ts';
import type { IntelligentTaskStore } from './store.ts';
import { TaskStatus, type IntelligentTaskRow } from './tables.ts';

const STATUS: Record<number, WorkloadStatus> = {
  [TaskStatus.queued]: 'Queue',
  [TaskStatus.init]: 'Pending',
  [TaskStatus.running]: 'Running',
  [TaskStatus.failed]: 'Failed',
  [TaskStatus.succeeded]: 'Completed',
  [TaskStatus.stopping]: 'Terminating',
  [TaskStatus.stopped]: 'Terminated',
};

/** The flavor a task's work runs with, and the share of its pool that takes. */
export function taskShare(type: string, config: SmartTaskConfig): { flavor: string; amount: PoolAmount } {
  if (type === 'pre-label') {
    const c = instanceConfigOf(config);
    const a = amountOf(c.specification, c.custom_spec);
    return { flavor: c.specification, amount: typeof a === 'string' ? LEARNER_AMOUNT : a };
  }
  const a = config.flavor?.code ? flavorAmount(config.flavor.code, undefined) : LEARNER_AMOUNT;
  return { flavor: config.flavor?.code ?? 'custom', amount: typeof a === 'string' ? LEARNER_AMOUNT : a };
}

function workload(r: IntelligentTaskRow): PoolWorkload {
  const { flavor, amount } = taskShare(r.task_type, JSON.parse(r.config) as SmartTaskConfig);
  return {
    type: r.task_type === 'pre-label' ? 'infer' : 'train',
    poolKey: `intelligent-task-${r.id}`,
    id: r.id,
    name: r.name,
    flavor,
    status: STATUS[r.status] ?? 'Abnormal',
    cpu: amount.cpu,
    memoryMb: amount.memoryMb,
    replicas: 1,
    createTime: r.create_time,
    ...(r.start_time ? { startTime: r.start_time } : {}),
    ...(r.end_time ? { endTime: r.end_time } : {}),
  };
}

/** The project's intelligent tasks placed in the pool. */
export async function intelligentTaskWorkloads(store: IntelligentTaskStore, projectId: string, poolName: string): Promise<PoolWorkload[]> {
  const rows = await store.ofProject(projectId);
  return rows.filter((r) => (JSON.parse(r.config) as SmartTaskConfig).pool_id === poolName).map(workload);
}
