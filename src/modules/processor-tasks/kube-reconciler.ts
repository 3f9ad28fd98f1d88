// Start-up and periodic pass on the Kubernetes executor: the Job of a processing version that no longer runs (its row
// deleted, or stopped or ended while no server followed the Job) is an orphan and is deleted. A running version's Job
// is left to the version's own run, which adopts it after a restart.
import type { Reconciler } from '#src/runtime/index.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { KubeProcessing } from './kube-processing.ts';
import type { ProcessorStore } from './store.ts';

/** Initialized and running versions. */
const ACTIVE: readonly number[] = [0, 1];

export class KubeProcessingReconciler implements Reconciler {
  readonly name = 'processing-version-jobs';

  constructor(
    private readonly kube: KubeProcessing,
    private readonly store: ProcessorStore,
    private readonly log: Logger,
  ) {}

  async reconcile(): Promise<void> {
    const removed = await this.kube.removeOrphans(async (id) => {
      const row = await this.store.versionById(id);
      return row !== undefined && ACTIVE.includes(row.status);
    });
    if (removed.length > 0) this.log.info({ versions: removed }, 'removed the Kubernetes Jobs of processing versions that no longer run');
  }
}
