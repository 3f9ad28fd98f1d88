import { hostname } from 'node:os';
import { hostResources, type PoolAmount } from './host-resources.ts';

/** Who holds a share of the pool: what a queued workload's explanation may name (within its project). */
export interface PoolHolder {
  kind: 'training job' | 'service' | 'notebook' | 'labeling task' | 'processing task';
  id: string;
  name: string;
  projectId: string;
}

/** One key's share of the pool, and who holds it when its owner said so. */
export interface Holding {
  key: string;
  amount: PoolAmount;
  holder?: PoolHolder;
  /** The nodes its replicas were placed on, and how much on each. */
  placement: NodeShare[];
  /** The process groups its processes run in (what the metrics sampler measures). */
  processGroups: number[];
  /** Set when another replica sharing the database holds it (pool-ledger.ts): this one never releases it. */
  replica?: string;
}

/** What another replica holds, as its ledger rows say. */
export interface ForeignHolding {
  key: string;
  replica: string;
  amount: PoolAmount;
  holder?: PoolHolder;
  placement: NodeShare[];
}

export interface NodeShare {
  node: string;
  amount: PoolAmount;
}

/** Why a request does not fit: each resource that falls short, and every holding but the asker's. */
export interface Shortage {
  cpu?: { need: number; free: number };
  memoryMb?: { need: number; free: number };
  holdings: Holding[];
}

export interface PoolLimits {
  /** Cores of the host the pool may use (default and upper bound: all). */
  cpu?: number;
  /** Memory of the host the pool may use, MB (default and upper bound: all). */
  memoryMb?: number;
  /**
   * How many times its cores the pool hands out (default 1: none over-committed). Workloads rarely
   * use all of their cores (an idle service instance uses almost none), so a single machine can
   * admit more than it has; when they are all busy, they share the cores and each runs slower.
   * Memory is never over-committed: a workload over its memory is killed.
   */
  cpuOvercommit?: number;
}

/** A node of a pool: a machine (the host, for the public pool) or a slice of one (a dedicated pool's). */
export interface PoolNode {
  name: string;
  /** What workloads placed on the node may take (before over-commitment). */
  capacity: PoolAmount;
}

/** A node's capacity, what its placements take, and whose they are. */
export interface NodeUsage {
  name: string;
  capacity: PoolAmount;
  used: PoolAmount;
  holders: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const ZERO: PoolAmount = { cpu: 0, memoryMb: 0 };
const add = (a: PoolAmount, b: PoolAmount): PoolAmount => ({ cpu: round2(a.cpu + b.cpu), memoryMb: a.memoryMb + b.memoryMb });
const fits = (free: PoolAmount, need: PoolAmount) => need.cpu <= free.cpu + 1e-9 && need.memoryMb <= free.memoryMb;

interface Held {
  amount: PoolAmount;
  holder?: PoolHolder;
  placement: NodeShare[];
  processGroups: Set<number>;
  /** Tells the process groups of a workload whose processes come and go (service instances that restart). */
  source?: () => readonly number[];
}

/**
 * Capacity that workloads (training jobs, service instances, notebooks) share, held per key and
 * placed on the pool's nodes: a replica takes its share on one node, never split across two.
 *
 * The public pool (`new LocalPool(limits)`) has one node, this host; what dedicated pools reserve
 * is lent out of it (`lend`), so neither can take the other's. A dedicated pool
 * (`LocalPool.dedicated`) has one node per slice it reserved. A Kubernetes executor would build the
 * same object from the cluster's nodes that carry the pool's label.
 */
export class LocalPool {
  readonly cpuOvercommit: number;
  private nodeList: PoolNode[];
  private readonly held = new Map<string, Held>();
  /** Other replicas' holdings; a key this replica holds too counts once, as its own. */
  private foreign = new Map<string, ForeignHolding>();
  private readonly changeListeners: (() => void)[] = [];
  private readonly lent = new Map<string, PoolAmount>();
  private readonly releaseListeners: (() => void)[] = [];

  /** The public pool of this host (default and upper bound: the whole host), or a dedicated pool made of `nodes`. */
  constructor(limit: PoolLimits = {}, nodes?: PoolNode[]) {
    const host = hostResources();
    const capacity = {
      cpu: Math.max(1, Math.min(host.cpuCores, limit.cpu ?? host.cpuCores)),
      memoryMb: Math.max(1, Math.min(host.memoryMb, limit.memoryMb ?? host.memoryMb)),
    };
    this.cpuOvercommit = Math.max(1, limit.cpuOvercommit ?? 1);
    this.nodeList = nodes ? nodes.map((n) => ({ ...n })) : [{ name: hostname(), capacity }];
  }

  /** A dedicated pool made of `nodes` (slices lent by the public pool), nothing over-committed. */
  static dedicated(nodes: PoolNode[]): LocalPool {
    return new LocalPool({ cpuOvercommit: 1 }, nodes);
  }

  /** The cores and memory of the host the pool uses (the public pool), or the sum of its slices. */
  get capacity(): PoolAmount {
    return this.nodeList.reduce((s, n) => add(s, n.capacity), ZERO);
  }

  /** What admission counts against: the nodes' capacity with cores over-committed, less what is lent. */
  get schedulable(): PoolAmount {
    const total = this.nodeList.reduce((s, n) => add(s, this.nodeSchedulable(n)), ZERO);
    return { cpu: Math.max(0, total.cpu), memoryMb: Math.max(0, total.memoryMb) };
  }

  nodes(): readonly PoolNode[] {
    return this.nodeList;
  }

  /** What every holder but `except` holds. */
  used(except?: string): PoolAmount {
    let sum = ZERO;
    for (const [k, h] of this.entries()) if (k !== except) sum = add(sum, h.amount);
    return sum;
  }

  /** What is left for `except` to take (the schedulable amount less every other holding), never below 0. */
  free(except?: string): PoolAmount {
    let sum = ZERO;
    for (const n of this.usage(except)) sum = add(sum, this.nodeFree(n));
    return sum;
  }

  /** Holds `amount` (split evenly over `replicas`, each on one node) for `key`, replacing what it held; false when it does not fit. */
  reserve(key: string, amount: PoolAmount, holder?: PoolHolder, replicas = 1): boolean {
    const placement = this.place(key, amount, replicas);
    if (!placement) return false;
    this.store(key, amount, holder, placement);
    return true;
  }

  /** Records what `key` holds when its owner has already decided it runs (a scheduler's own pass, a restart). */
  set(key: string, amount: PoolAmount, holder?: PoolHolder, replicas = 1): void {
    const before = this.held.get(key)?.amount;
    if (amount.cpu === 0 && amount.memoryMb === 0) {
      if (this.held.delete(key)) this.notifyChange();
    } else this.store(key, amount, holder, this.place(key, amount, replicas) ?? this.placeAnyway(key, amount, replicas));
    if (before && (amount.cpu < before.cpu || amount.memoryMb < before.memoryMb)) this.notifyRelease();
  }

  release(key: string): void {
    if (!this.held.delete(key)) return;
    this.notifyChange();
    this.notifyRelease();
  }

  /** Whether this replica holds `key` (another replica's holding does not count). */
  has(key: string): boolean {
    return this.held.has(key);
  }

  /** Replaces what other replicas hold; what they gave back may admit waiting work. */
  setForeign(holdings: readonly ForeignHolding[]): void {
    const before = this.foreign;
    this.foreign = new Map(holdings.map((h) => [h.key, h]));
    const gaveBack = [...before.values()].some((b) => {
      const now = this.foreign.get(b.key)?.amount;
      return !now || now.cpu < b.amount.cpu || now.memoryMb < b.amount.memoryMb;
    });
    if (gaveBack) this.notifyRelease();
  }

  /** This replica's own holdings (what its ledger writes), without other replicas'. */
  ownHoldings(): Holding[] {
    return this.holdings().filter((h) => h.replica === undefined);
  }

  /** Called after this replica's own holdings changed (reserved, set or released). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /** Notes a process group of `key`'s workload, for the metrics sampler; forgotten with the holding. */
  track(key: string, processGroup: number): void {
    this.held.get(key)?.processGroups.add(processGroup);
  }

  untrack(key: string, processGroup: number): void {
    this.held.get(key)?.processGroups.delete(processGroup);
  }

  /** As track, for a workload that knows its process groups at any time: `source` is asked at each read. */
  trackWith(key: string, source: () => readonly number[]): void {
    const h = this.held.get(key);
    if (h) h.source = source;
  }

  /** Every holding but `except`'s, the largest CPU share first. */
  holdings(except?: string): Holding[] {
    const out: Holding[] = [];
    for (const [key, h] of this.held)
      if (key !== except)
        out.push({
          key,
          amount: h.amount,
          ...(h.holder ? { holder: h.holder } : {}),
          placement: h.placement,
          processGroups: [...h.processGroups, ...(h.source?.() ?? [])],
        });
    for (const [key, f] of this.foreign)
      if (key !== except && !this.held.has(key))
        out.push({ key, amount: f.amount, ...(f.holder ? { holder: f.holder } : {}), placement: f.placement, processGroups: [], replica: f.replica });
    return out.sort((a, b) => b.amount.cpu - a.amount.cpu || b.amount.memoryMb - a.amount.memoryMb || a.key.localeCompare(b.key));
  }

  /** Why `amount` does not fit for `key` now; undefined when it does. */
  shortage(key: string, amount: PoolAmount, replicas = 1): Shortage | undefined {
    if (this.place(key, amount, replicas)) return undefined;
    const free = this.free(key);
    let cpuShort = amount.cpu > free.cpu + 1e-9;
    let memoryShort = amount.memoryMb > free.memoryMb;
    let need = amount;
    let have = free;
    if (!cpuShort && !memoryShort) {
      // Enough in all, but no node has room for one replica: say what the roomiest node has.
      need = { cpu: round2(amount.cpu / replicas), memoryMb: Math.ceil(amount.memoryMb / replicas) };
      have = this.usage(key)
        .map((n) => this.nodeFree(n))
        .reduce((best, f) => (f.cpu > best.cpu || (f.cpu === best.cpu && f.memoryMb > best.memoryMb) ? f : best), ZERO);
      cpuShort = need.cpu > have.cpu + 1e-9;
      memoryShort = !cpuShort || need.memoryMb > have.memoryMb;
    }
    return {
      ...(cpuShort ? { cpu: { need: need.cpu, free: have.cpu } } : {}),
      ...(memoryShort ? { memoryMb: { need: need.memoryMb, free: have.memoryMb } } : {}),
      holdings: this.holdings(key),
    };
  }

  /** Each node's capacity, what is placed on it (but `except`'s share) and by whom. */
  usage(except?: string): NodeUsage[] {
    const out = this.nodeList.map((n) => ({ name: n.name, capacity: n.capacity, used: ZERO, holders: [] as string[] }));
    const byName = new Map(out.map((n) => [n.name, n]));
    for (const [key, h] of this.entries()) {
      if (key === except) continue;
      for (const share of h.placement) {
        const n = byName.get(share.node);
        if (!n) continue;
        n.used = add(n.used, share.amount);
        if (!n.holders.includes(key)) n.holders.push(key);
      }
    }
    return out;
  }

  /** Lends `amount` of this (public) pool's free capacity to a dedicated pool; false when it is not free. */
  lend(key: string, amount: PoolAmount): boolean {
    const before = this.lent.get(key);
    // What `key` has lent already counts as free for its new amount.
    this.lent.delete(key);
    if (!fits(this.free(), { cpu: round2(amount.cpu * this.cpuOvercommit), memoryMb: amount.memoryMb })) {
      if (before) this.lent.set(key, before);
      return false;
    }
    this.lent.set(key, amount);
    if (before && (amount.cpu < before.cpu || amount.memoryMb < before.memoryMb)) this.notifyRelease();
    return true;
  }

  /** Lends without asking (a restart restoring what was reserved before); the pool may be over its capacity until work ends. */
  lendAnyway(key: string, amount: PoolAmount): void {
    this.lent.set(key, amount);
  }

  /** Takes back what was lent under `key`. */
  reclaim(key: string): void {
    if (this.lent.delete(key)) this.notifyRelease();
  }

  /** What this pool has lent, in all. */
  lentOut(): PoolAmount {
    let sum = ZERO;
    for (const a of this.lent.values()) sum = add(sum, a);
    return sum;
  }

  /** Replaces a dedicated pool's nodes; the caller has checked that the nodes it drops are idle. */
  setNodes(nodes: PoolNode[]): void {
    const grew = nodes.length > this.nodeList.length;
    this.nodeList = nodes.map((n) => ({ ...n }));
    if (grew) this.notifyRelease();
  }

  /** Called after capacity was given back, so waiting work can start. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  private notifyRelease(): void {
    for (const l of this.releaseListeners) l();
  }

  private notifyChange(): void {
    for (const l of this.changeListeners) l();
  }

  /** Every holding that counts: this replica's, then other replicas' that this one does not hold too. */
  private *entries(): Generator<[string, { amount: PoolAmount; placement: NodeShare[] }]> {
    yield* this.held;
    for (const [key, f] of this.foreign) if (!this.held.has(key)) yield [key, f];
  }

  private store(key: string, amount: PoolAmount, holder: PoolHolder | undefined, placement: NodeShare[]): void {
    const before = this.held.get(key);
    this.held.set(key, {
      amount,
      ...(holder ? { holder } : {}),
      placement,
      processGroups: before?.processGroups ?? new Set<number>(),
      ...(before?.source ? { source: before.source } : {}),
    });
    this.notifyChange();
  }

  private nodeSchedulable(n: PoolNode): PoolAmount {
    const cap = { cpu: round2(n.capacity.cpu * this.cpuOvercommit), memoryMb: n.capacity.memoryMb };
    // The public pool has one node: what is lent comes off it.
    if (this.lent.size === 0 || n !== this.nodeList[0]) return cap;
    const lent = this.lentOut();
    return { cpu: round2(cap.cpu - lent.cpu * this.cpuOvercommit), memoryMb: cap.memoryMb - lent.memoryMb };
  }

  private nodeFree(n: NodeUsage): PoolAmount {
    const node = this.nodeList.find((x) => x.name === n.name);
    const cap = node ? this.nodeSchedulable(node) : ZERO;
    return { cpu: Math.max(0, round2(cap.cpu - n.used.cpu)), memoryMb: Math.max(0, cap.memoryMb - n.used.memoryMb) };
  }

  /** First fit of each replica onto the nodes, next to every holding but `key`'s; undefined when one does not fit. */
  private place(key: string, amount: PoolAmount, replicas: number): NodeShare[] | undefined {
    const n = Math.max(1, Math.floor(replicas));
    const share = { cpu: round2(amount.cpu / n), memoryMb: Math.ceil(amount.memoryMb / n) };
    const free = this.usage(key).map((u) => ({ name: u.name, free: this.nodeFree(u) }));
    const placement: NodeShare[] = [];
    for (let i = 0; i < n; i++) {
      const node = free.find((f) => fits(f.free, share));
      if (!node) return undefined;
      node.free = { cpu: round2(node.free.cpu - share.cpu), memoryMb: node.free.memoryMb - share.memoryMb };
      placement.push({ node: node.name, amount: share });
    }
    return placement;
  }

  /** Where a share that does not fit goes anyway (it already runs): the roomiest nodes. */
  private placeAnyway(key: string, amount: PoolAmount, replicas: number): NodeShare[] {
    const n = Math.max(1, Math.floor(replicas));
    const share = { cpu: round2(amount.cpu / n), memoryMb: Math.ceil(amount.memoryMb / n) };
    const usage = this.usage(key);
    return Array.from({ length: n }, (_, i) => ({ node: usage[i % usage.length]?.name ?? hostname(), amount: share }));
  }
}
