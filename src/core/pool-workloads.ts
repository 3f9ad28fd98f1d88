/** The workload types of a pool (ListWorkloads `type`). */
export type WorkloadType = 'train' | 'infer' | 'notebook';

/** A workload's status in a pool's terms (ListWorkloads `status`). */
export type WorkloadStatus = 'Queue' | 'Pending' | 'Abnormal' | 'Terminating' | 'Creating' | 'Running' | 'Completed' | 'Terminated' | 'Failed';

/** One job, service or notebook placed in a pool, as the family that runs it sees it. */
export interface PoolWorkload {
  type: WorkloadType;
  /** The key it holds the pool under (LocalPool holdings), which tells its nodes. */
  poolKey: string;
  /** The family's job id and name (the workload's `jobUUID` and `jobName`). */
  id: string;
  name: string;
  flavor: string;
  status: WorkloadStatus;
  /** What it asks of the pool, in all (every replica). */
  cpu: number;
  memoryMb: number;
  replicas: number;
  /** Epoch ms. */
  createTime: number;
  /** When it started running (epoch ms), when it did. */
  startTime?: number;
  /** When it ended (epoch ms), when it did. */
  endTime?: number;
  /** Its place in the pool's queue (1 = next), while queued. */
  pendingPosition?: number;
}

/** Lists a project's workloads in one pool; registered by each family that runs workloads. */
export type WorkloadLister = (projectId: string, poolName: string) => Promise<PoolWorkload[]>;

/** Where ListWorkloads and ShowWorkloadStatistics learn what runs in a pool. */
export class PoolWorkloads {
  private readonly listers = new Map<WorkloadType, WorkloadLister>();

  register(type: WorkloadType, lister: WorkloadLister): void {
    if (this.listers.has(type)) throw new Error(`workloads of type ${type} are already registered`);
    this.listers.set(type, lister);
  }

  /** Work of a type another family registered, run by a further family (labeling tasks' learners as train). */
  private readonly more: WorkloadLister[] = [];

  registerMore(lister: WorkloadLister): void {
    this.more.push(lister);
  }

  async list(projectId: string, poolName: string): Promise<PoolWorkload[]> {
    const all = await Promise.all([...this.listers.values(), ...this.more].map((l) => l(projectId, poolName)));
    return all.flat();
  }
}
