// Where a job's nodes run, as the scheduler and the service see it: the local executor (sandboxed processes on this
// host, job-runner.ts) and the Kubernetes executor (an indexed Job of the cluster, kube-job-runner.ts) both implement
// it. The scheduler admits a job and hands it over with start(); terminate and delete call stop(); the reconciler
// calls reconcile() to adopt the running jobs after a restart and to end what has nothing left to run.
import type { TrainingJobRow } from './tables.ts';

export interface JobExecutor {
  /** Listens for jobs releasing their share of the pool (the scheduler admits the next one). */
  onRelease(listener: () => void): void;
  /** Listens for a node's process starting and ending, for executors that run processes on this host. */
  onProcess(listener: (row: TrainingJobRow, pid: number, running: boolean) => void): void;
  /** A line of the job's events in every task's log. */
  serviceLog(row: Pick<TrainingJobRow, 'id' | 'node_count'>, line: string): Promise<void>;
  /** Whether this server is following the job now (it records the job's end itself). */
  isTracked(jobId: string): boolean;
  /**
   * The secondary phase an admitted job shows until its executor reports: Running where the processes start at once,
   * Creating where the cluster still has to make and place the pods.
   */
  readonly admittedPhase?: 'Running' | 'Creating';
  /**
   * What a running task has logged that is not in its kept log yet (its pod's log on a cluster), read now; undefined
   * where the kept log is the whole log.
   */
  liveLog?(row: TrainingJobRow, task: string): Promise<string | undefined>;
  /** Runs a job the scheduler has just admitted (its row is already Running). */
  start(row: TrainingJobRow): void;
  /** Stops the job's nodes (terminate or delete); the job's end is recorded when they are gone. */
  stop(row: TrainingJobRow): void;
  /** Removes what is kept of a job: its files on this host, its logs and samples (job-logs.ts). */
  removeFiles(jobId: string): Promise<void>;
  /** Start-up and periodic pass: adopts the running jobs this server does not follow, ends the ones with nothing left. */
  reconcile(): Promise<void>;
  close(): Promise<void>;
}
