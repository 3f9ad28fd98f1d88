import type { Reconciler } from '#src/runtime/index.ts';
import type { JobExecutor } from './job-executor.ts';
import type { JobScheduler } from './scheduler.ts';

/**
 * Start-up and periodic pass over training jobs: the runner adopts or ends the running jobs it does
 * not track, then the scheduler admits what fits. Kicks after each create, end or release make this
 * quick; this pass is what guarantees it.
 */
export class TrainingJobReconciler implements Reconciler {
  readonly name = 'training-jobs';

  constructor(
    private readonly runner: JobExecutor,
    private readonly scheduler: JobScheduler,
  ) {}

  async reconcile(): Promise<void> {
    await this.runner.reconcile();
    await this.scheduler.schedule();
  }
}
