import type { Reconciler } from '#src/runtime/index.ts';
import type { PoolEvents } from './events.ts';
import type { PoolService } from './service.ts';
import type { PoolStore } from './store.ts';

/** Finishes pools a restart left Creating (their slices are reserved again at start) and drops old events. */
export class PoolReconciler implements Reconciler {
  readonly name = 'pools';
  constructor(
    private readonly store: PoolStore,
    private readonly service: PoolService,
    private readonly events: PoolEvents,
  ) {}

  async reconcile(): Promise<void> {
    for (const row of await this.store.inPhase('Creating')) await this.service.activate(row);
    await this.events.prune();
  }
}
