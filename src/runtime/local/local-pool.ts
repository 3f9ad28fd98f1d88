import { fitsIn, hostResources, type PoolAmount } from './host-resources.ts';

/**
 * The capacity of this host that local workloads share (training jobs, service instances), held
 * per key. One instance per app, so a service cannot take cores a running job holds, and the other
 * way round.
 */
export class LocalPool {
  readonly capacity: PoolAmount;
  private readonly held = new Map<string, PoolAmount>();
  private readonly releaseListeners: (() => void)[] = [];

  /** Default and upper bound: the whole host. */
  constructor(limit: Partial<PoolAmount> = {}) {
    const host = hostResources();
    this.capacity = {
      cpu: Math.max(1, Math.min(host.cpuCores, limit.cpu ?? host.cpuCores)),
      memoryMb: Math.max(1, Math.min(host.memoryMb, limit.memoryMb ?? host.memoryMb)),
    };
  }

  /** What every holder but `except` holds. */
  used(except?: string): PoolAmount {
    let cpu = 0;
    let memoryMb = 0;
    for (const [k, a] of this.held) {
      if (k === except) continue;
      cpu += a.cpu;
      memoryMb += a.memoryMb;
    }
    return { cpu, memoryMb };
  }

  /** Holds `amount` for `key` (replacing what it held); false when it does not fit. */
  reserve(key: string, amount: PoolAmount): boolean {
    if (!fitsIn(this.capacity, this.used(key), amount)) return false;
    this.held.set(key, amount);
    return true;
  }

  /** Records what `key` holds when its owner has already decided it fits (a scheduler's own pass). */
  set(key: string, amount: PoolAmount): void {
    const before = this.held.get(key);
    if (amount.cpu === 0 && amount.memoryMb === 0) this.held.delete(key);
    else this.held.set(key, amount);
    if (before && (amount.cpu < before.cpu || amount.memoryMb < before.memoryMb)) this.notifyRelease();
  }

  release(key: string): void {
    if (this.held.delete(key)) this.notifyRelease();
  }

  /** Called after capacity was given back, so waiting work can start. */
  onRelease(listener: () => void): void {
    this.releaseListeners.push(listener);
  }

  private notifyRelease(): void {
    for (const l of this.releaseListeners) l();
  }
}
