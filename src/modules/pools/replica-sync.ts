// Keeps this replica's pool registry in line with the pools table, which every replica writes: a pool another replica
// made is registered here, one it deleted is removed, a changed scope or node set is taken over. Placing a workload
// syncs its pool first, so a pool made through one replica is usable through any other at once; a loop syncs every
// pool each interval, for what only reads the registry (pool workloads, nodes, metrics).
import type { PoolIdentity, PoolRegistry } from '#src/runtime/local/pool-registry.ts';
import { parseNodes, poolNodes } from './nodes.ts';
import type { PoolStore } from './store.ts';
import type { PoolRow } from './tables.ts';
import { scopeOf } from './views.ts';

export interface PoolSyncDeps {
  store: PoolStore;
  registry: PoolRegistry;
  /** On the kubernetes executor a pool holds nodes of the cluster, not slices of this host. */
  onCluster: boolean;
  /** Pools this replica is creating now: registered before their record is written. */
  making: ReadonlySet<string>;
}

const identity = (row: PoolRow): PoolIdentity => ({ name: row.id, projectId: row.project_id, displayName: row.display_name, scope: scopeOf(row) });
const nodeNames = (names: readonly { name: string }[]) => names.map((n) => n.name).join(',');

export class PoolReplicaSync {
  /** Pools known to have a record: only those are dropped when it goes (tests place pools in the registry alone). */
  readonly recorded = new Set<string>();
  /** Moves whenever this replica starts or ends changing a pool: a read of the table that began before is stale. */
  private epoch = 0;

  constructor(private readonly deps: PoolSyncDeps) {}

  /** Runs a change of pools (registry and table together); the syncs reading meanwhile apply nothing. */
  async changing<T>(change: () => Promise<T>): Promise<T> {
    this.epoch++;
    try {
      return await change();
    } finally {
      this.epoch++;
    }
  }

  async sync(poolId: string): Promise<void> {
    const at = this.epoch;
    const row = await this.deps.store.byId(poolId);
    if (at === this.epoch) this.apply(poolId, row);
  }

  async syncAll(): Promise<void> {
    const at = this.epoch;
    const rows = new Map((await this.deps.store.all()).map((r) => [r.id, r]));
    if (at !== this.epoch) return;
    for (const id of new Set([...rows.keys(), ...this.deps.registry.list().map((p) => p.name)])) this.apply(id, rows.get(id));
  }

  private apply(poolId: string, row: PoolRow | undefined): void {
    const { registry } = this.deps;
    if (this.deps.making.has(poolId)) return;
    const known = registry.get(poolId);
    // A pool being deleted or gone; one that still holds work here stays until the work ends (remove refuses).
    if (!row || row.phase === 'Deleting') {
      if (known && this.recorded.has(poolId) && registry.remove(poolId)) this.recorded.delete(poolId);
      return;
    }
    this.recorded.add(poolId);
    const nodes = poolNodes(parseNodes(row.nodes));
    if (!known) {
      if (this.deps.onCluster) registry.adopt(identity(row), nodes);
      else registry.restore(identity(row), nodes);
      return;
    }
    const scope = scopeOf(row);
    if (scope.join(',') !== known.scope.join(',')) registry.setScope(poolId, scope);
    if (nodeNames(nodes) === nodeNames(known.pool.usage())) return;
    // Nodes that run work here are kept until it ends; the next pass tries again.
    if (this.deps.onCluster) registry.replaceNodes(poolId, nodes);
    else registry.resize(poolId, nodes);
  }
}
