// Every pool workloads may be placed in: the public pool of this host, and the dedicated pools the
// pools family created, each a LocalPool whose nodes are slices lent out of the public one. The pools
// family owns their records (and restores them at start); the families that run workloads ask
// `placement` where a workload goes, and record scheduling events through `event`.
import type { PoolAmount } from './host-resources.ts';
import { LocalPool, type PoolNode, type Shortage } from './local-pool.ts';

/** The kinds of work a pool admits (a dedicated pool's `spec.scope`). */
export type PoolScope = 'Train' | 'Infer' | 'Notebook';

/** What the registry knows of a dedicated pool besides its nodes. */
export interface PoolIdentity {
  /** The pool's id (`metadata.name`), what workloads name it by. */
  name: string;
  projectId: string;
  /** The name its creator gave it (`os.modelarts/name`). */
  displayName: string;
  scope: readonly PoolScope[];
}

export interface DedicatedPool extends PoolIdentity {
  pool: LocalPool;
}

export type EventType = 'Normal' | 'Warning';

/** An event of a dedicated pool (ListEvents #142), e.g. a workload queued, placed or evicted. */
export interface PoolEvent {
  pool: string;
  type: EventType;
  reason: string;
  message: string;
}

export type Placement = { ok: true; pool: LocalPool; dedicated?: DedicatedPool } | { ok: false; reason: 'not-found' | 'scope'; message: string };

const sum = (nodes: readonly PoolNode[]): PoolAmount =>
  nodes.reduce((s, n) => ({ cpu: s.cpu + n.capacity.cpu, memoryMb: s.memoryMb + n.capacity.memoryMb }), { cpu: 0, memoryMb: 0 });

export class PoolRegistry {
  private readonly pools = new Map<string, DedicatedPool>();
  private readonly releaseListeners: (() => void)[] = [];
  private readonly removeListeners: ((name: string) => void)[] = [];
  private sink: (e: PoolEvent) => void = () => undefined;
  private source: ((name: string) => Promise<void>) | undefined;

  constructor(readonly publicPool: LocalPool) {
    publicPool.onRelease(() => this.notifyRelease());
  }

  get(name: string): DedicatedPool | undefined {
    return this.pools.get(name);
  }

  list(): DedicatedPool[] {
    return [...this.pools.values()];
  }

  /** Where a workload of `scope` in `projectId` runs: the public pool when it names none. */
  placement(projectId: string, poolName: string | undefined | null, scope: PoolScope): Placement {
    if (!poolName) return { ok: true, pool: this.publicPool };
    const d = this.pools.get(poolName);
    if (!d || d.projectId !== projectId) return { ok: false, reason: 'not-found', message: `no resource pool ${poolName} exists in this project` };
    if (!d.scope.includes(scope))
      return { ok: false, reason: 'scope', message: `resource pool ${poolName} admits ${d.scope.join(', ') || 'no work'}, not ${scope}` };
    return { ok: true, pool: d.pool, dedicated: d };
  }

  /** Where the registry learns of pools other replicas made, changed or deleted (the pools family's records). */
  setSource(source: (name: string) => Promise<void>): void {
    this.source = source;
  }

  /** `placement`, once the named pool is brought in line with its record: what placing a new workload asks. */
  async resolve(projectId: string, poolName: string | undefined | null, scope: PoolScope): Promise<Placement> {
    if (poolName && this.source) await this.source(poolName);
    return this.placement(projectId, poolName, scope);
  }

  /** Reserves `nodes` out of the public pool for a new dedicated pool; false (nothing reserved) when they are not free. */
  add(id: PoolIdentity, nodes: PoolNode[]): boolean {
    if (this.pools.has(id.name)) throw new Error(`pool ${id.name} is already registered`);
    if (!this.publicPool.lend(id.name, sum(nodes))) return false;
    this.register(id, nodes);
    return true;
  }

  /** Brings back a pool recorded before a restart; false when the host no longer has room for it (it is registered all the same). */
  restore(id: PoolIdentity, nodes: PoolNode[]): boolean {
    const fitted = this.publicPool.lend(id.name, sum(nodes));
    if (!fitted) this.publicPool.lendAnyway(id.name, sum(nodes));
    this.register(id, nodes);
    return fitted;
  }

  /**
   * Gives the pool `nodes` instead of its present ones. Growing lends more of the public pool;
   * the nodes it drops must be idle. Nothing changes when the answer is not 'ok'.
   */
  resize(name: string, nodes: PoolNode[]): 'ok' | 'no-capacity' | 'busy' {
    const d = this.pools.get(name);
    if (!d) throw new Error(`pool ${name} is not registered`);
    const kept = new Set(nodes.map((n) => n.name));
    if (d.pool.usage().some((u) => !kept.has(u.name) && u.holders.length > 0)) return 'busy';
    if (!this.publicPool.lend(name, sum(nodes))) return 'no-capacity';
    d.pool.setNodes(nodes);
    return 'ok';
  }

  /** Registers a pool whose nodes are not slices of this host (the cluster's nodes): nothing is lent out of the public pool. */
  adopt(id: PoolIdentity, nodes: PoolNode[]): void {
    this.register(id, nodes);
  }

  /** Gives an adopted pool `nodes`; 'busy' (nothing changes) when a node it drops runs work. */
  replaceNodes(name: string, nodes: PoolNode[]): 'ok' | 'busy' {
    const d = this.pools.get(name);
    if (!d) throw new Error(`pool ${name} is not registered`);
    const kept = new Set(nodes.map((n) => n.name));
    if (d.pool.usage().some((u) => !kept.has(u.name) && u.holders.length > 0)) return 'busy';
    d.pool.setNodes(nodes);
    this.notifyRelease();
    return 'ok';
  }

  setScope(name: string, scope: readonly PoolScope[]): void {
    const d = this.pools.get(name);
    if (d) d.scope = [...scope];
  }

  /** Whether anything runs in the pool (what deleting it must wait for). */
  busy(name: string): boolean {
    return (this.pools.get(name)?.pool.holdings().length ?? 0) > 0;
  }

  /** Removes the pool and gives its slices back to the public pool; false when workloads still hold it. */
  remove(name: string): boolean {
    if (this.busy(name)) return false;
    if (!this.pools.delete(name)) return true;
    this.publicPool.reclaim(name);
    for (const l of this.removeListeners) l(name);
    return true;
  }

  /** Where the pools family stores events. */
  setEventSink(sink: (e: PoolEvent) => void): void {
    this.sink = sink;
  }

  /** Records an event of a dedicated pool (nothing for the public pool, which has no events API). */
  event(poolName: string | undefined | null, type: EventType, reason: string, message: string): void {
    if (poolName && this.pools.has(poolName)) this.sink({ pool: poolName, type, reason, message });
  }

  /** Called after capacity came free in any pool (or a pool grew), so waiting work can start. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  /** Called after a dedicated pool was removed (its tags, events and samples may go). */
  onRemove(listener: (name: string) => void): void {
    this.removeListeners.push(listener);
  }

  /** The shortage in the pool `name` (public when none) for `amount` under `key`. */
  shortage(name: string | undefined | null, key: string, amount: PoolAmount, replicas = 1): Shortage | undefined {
    const pool = name ? this.pools.get(name)?.pool : this.publicPool;
    return pool?.shortage(key, amount, replicas);
  }

  private register(id: PoolIdentity, nodes: PoolNode[]): void {
    const pool = LocalPool.dedicated(nodes);
    pool.onRelease(() => this.notifyRelease());
    this.pools.set(id.name, { ...id, scope: [...id.scope], pool });
  }

  private notifyRelease(): void {
    for (const l of this.releaseListeners) l();
  }
}
