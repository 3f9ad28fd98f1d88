import type { Reconciler } from '#src/runtime/index.ts';
import type { NetworkStore } from './store.ts';

/** A network left Creating by a restart between its insert and its activation was recorded: it is Active. */
export class NetworkActivator implements Reconciler {
  readonly name = 'networks';
  constructor(private readonly store: NetworkStore) {}

  async reconcile(): Promise<void> {
    for (const row of await this.store.inPhase('Creating')) await this.store.update(row.id, { phase: 'Active' });
  }
}
