import type { Reconciler } from '#src/runtime/index.ts';
import type { PoolEvents } from './events.ts';
import type { PoolService } from './service.ts';

/** Finishes pools a restart left Creating (their slices are reserved again at start) and drops old events. */
export class PoolReconciler implements Reconciler {
  readonly name = 'pools';
  constructor(
    private readonly service: PoolService,
    private readonly events: PoolEvents,
  ) {}

  async reconcile(): Promise<void> {
    await this.service.finishCreating();
    await this.events.prune();
  }
}
