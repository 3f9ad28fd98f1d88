// Which replica follows a training job on the local executor. The replica that runs or adopts a job
// holds a lease named for it, renewed while it follows the job; another replica's reconciler adopts
// or fails the job only once that lease is free or expired (its holder died), so a job being staged
// elsewhere, or running under a live replica, is left alone. A restarted replica on a fixed port
// keeps its name and takes its own jobs back at once.
import type { ReplicaLeases } from '#src/runtime/leases.ts';

const leaseName = (jobId: string) => `training-job:${jobId}`;

export class JobOwnership {
  private readonly timer: NodeJS.Timeout | undefined;

  /** `following`: the jobs this replica follows now, renewed every third of the lease's time. */
  constructor(
    private readonly replica: ReplicaLeases | undefined,
    following: () => Iterable<string>,
  ) {
    if (!replica) return;
    this.timer = setInterval(() => {
      for (const id of following()) void replica.leases.acquire(leaseName(id), replica.id, replica.ttlMs).catch(() => false);
    }, replica.ttlMs / 3);
    this.timer.unref();
  }

  /** Takes the job for this replica; false while a live replica holds it. Without leases (one server) always true. */
  take(jobId: string): Promise<boolean> {
    return this.replica ? this.replica.leases.acquire(leaseName(jobId), this.replica.id, this.replica.ttlMs) : Promise.resolve(true);
  }

  /** Hands the job over at once (it ended, or this replica stops and another should adopt it). */
  async release(jobId: string): Promise<void> {
    await this.replica?.leases.release(leaseName(jobId), this.replica.id).catch(() => undefined);
  }

  /** How long a job admitted without its lease taken yet is left alone (its admitting replica may be about to take it). */
  get graceMs(): number {
    return this.replica?.ttlMs ?? 0;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
