import { fitsIn, hostResources, type PoolAmount } from './host-resources.ts';

/** Who holds a share of the pool: what a queued workload's explanation may name (within its project). */
export interface PoolHolder {
  kind: 'training job' | 'service';
  id: string;
  name: string;
  projectId: string;
}

/** One key's share of the pool, and who holds it when its owner said so. */
export interface Holding {
  key: string;
  amount: PoolAmount;
  holder?: PoolHolder;
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

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The capacity of this host that local workloads share (training jobs, service instances), held
 * per key. One instance per app, so a service cannot take cores a running job holds, and the other
 * way round.
 */
export class LocalPool {
  /** The cores and memory of the host the pool uses. */
  readonly capacity: PoolAmount;
  readonly cpuOvercommit: number;
  /** What admission counts against: the capacity with its cores over-committed. */
  readonly schedulable: PoolAmount;
  private readonly held = new Map<string, { amount: PoolAmount; holder?: PoolHolder }>();
  private readonly releaseListeners: (() => void)[] = [];

  /** Default and upper bound: the whole host. */
  constructor(limit: PoolLimits = {}) {
    const host = hostResources();
    this.capacity = {
      cpu: Math.max(1, Math.min(host.cpuCores, limit.cpu ?? host.cpuCores)),
      memoryMb: Math.max(1, Math.min(host.memoryMb, limit.memoryMb ?? host.memoryMb)),
    };
    this.cpuOvercommit = Math.max(1, limit.cpuOvercommit ?? 1);
    this.schedulable = { cpu: round2(this.capacity.cpu * this.cpuOvercommit), memoryMb: this.capacity.memoryMb };
  }

  /** What every holder but `except` holds. */
  used(except?: string): PoolAmount {
    let cpu = 0;
    let memoryMb = 0;
    for (const [k, h] of this.held) {
      if (k === except) continue;
      cpu += h.amount.cpu;
      memoryMb += h.amount.memoryMb;
    }
    return { cpu, memoryMb };
  }

  /** What is left for `except` to take (the schedulable amount less every other holding), never below 0. */
  free(except?: string): PoolAmount {
    const used = this.used(except);
    return { cpu: Math.max(0, round2(this.schedulable.cpu - used.cpu)), memoryMb: Math.max(0, this.schedulable.memoryMb - used.memoryMb) };
  }

  /** Holds `amount` for `key` (replacing what it held); false when it does not fit. */
  reserve(key: string, amount: PoolAmount, holder?: PoolHolder): boolean {
    if (!fitsIn(this.schedulable, this.used(key), amount)) return false;
    this.held.set(key, { amount, ...(holder ? { holder } : {}) });
    return true;
  }

  /** Records what `key` holds when its owner has already decided it fits (a scheduler's own pass). */
  set(key: string, amount: PoolAmount, holder?: PoolHolder): void {
    const before = this.held.get(key)?.amount;
    if (amount.cpu === 0 && amount.memoryMb === 0) this.held.delete(key);
    else this.held.set(key, { amount, ...(holder ? { holder } : {}) });
    if (before && (amount.cpu < before.cpu || amount.memoryMb < before.memoryMb)) this.notifyRelease();
  }

  release(key: string): void {
    if (this.held.delete(key)) this.notifyRelease();
  }

  /** Every holding but `except`'s, the largest CPU share first. */
  holdings(except?: string): Holding[] {
    const out: Holding[] = [];
    for (const [key, h] of this.held) if (key !== except) out.push({ key, amount: h.amount, ...(h.holder ? { holder: h.holder } : {}) });
    return out.sort((a, b) => b.amount.cpu - a.amount.cpu || b.amount.memoryMb - a.amount.memoryMb || a.key.localeCompare(b.key));
  }

  /** Why `amount` does not fit for `key` now; undefined when it does. */
  shortage(key: string, amount: PoolAmount): Shortage | undefined {
    const free = this.free(key);
    const cpuShort = amount.cpu > free.cpu + 1e-9;
    const memoryShort = amount.memoryMb > free.memoryMb;
    if (!cpuShort && !memoryShort) return undefined;
    return {
      ...(cpuShort ? { cpu: { need: amount.cpu, free: free.cpu } } : {}),
      ...(memoryShort ? { memoryMb: { need: amount.memoryMb, free: free.memoryMb } } : {}),
      holdings: this.holdings(key),
    };
  }

  /** Called after capacity was given back, so waiting work can start. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  private notifyRelease(): void {
    for (const l of this.releaseListeners) l();
  }
}
