// Start-up and periodic pass on the Kubernetes executor: the Job of an intelligent task that no longer runs (its row
// deleted, or ended while no server followed the Job) is an orphan and is deleted. A running task's Job is left to the
// task's own run, which adopts it after a restart.
import type { Reconciler } from '#src/runtime/index.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { KubeLearner } from './kube-learner.ts';
import type { IntelligentTaskStore } from './store.ts';
import { TaskStatus } from './tables.ts';

// A stopping task's Job is one to delete as well.
const ACTIVE: readonly number[] = [TaskStatus.queued, TaskStatus.init, TaskStatus.running];

export class KubeTaskReconciler implements Reconciler {
  readonly name = 'intelligent-task-jobs';

  constructor(
    private readonly learner: KubeLearner,
    private readonly store: IntelligentTaskStore,
    private readonly log: Logger,
  ) {}

  async reconcile(): Promise<void> {
    const removed = await this.learner.removeOrphans(async (id) => {
      const row = await this.store.byId(id);
      return row !== undefined && ACTIVE.includes(row.status);
    });
    if (removed.length > 0) this.log.info({ tasks: removed }, 'removed the Kubernetes Jobs of intelligent tasks that no longer run');
  }
}
