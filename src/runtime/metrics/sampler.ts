// The sampling loop of pool metrics: every interval, one reading of the host (CPU, memory, data disk)
// and of each pool (capacity, what its holdings reserve, and what their process groups really use),
// kept in bounded histories (history.ts) for the monitor and the runtime metrics.
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '../local/host-resources.ts';
import type { LocalPool } from '../local/local-pool.ts';
import { groupUsage } from '../local/proc-stats.ts';
import { History } from './history.ts';
import { cpuPercent, readCpuTimes, readDisk, readMemory, type CpuTimes } from './host-readings.ts';

/** The pools to sample: the public pool and the dedicated ones (PoolRegistry). */
export interface SampledPools {
  readonly publicPool: LocalPool;
  list(): readonly { name: string; pool: LocalPool }[];
}

/** Fields of a pool's history. */
export const POOL_FIELDS = { cpuPercent: 0, memoryPercent: 1 } as const;
/** Fields of the host's history. */
export const HOST_FIELDS = { cpuPercent: 0, memoryPercent: 1, diskCapacityMb: 2, diskAvailableMb: 3, diskUsedPercent: 4 } as const;

/** The latest reading of a pool. */
export interface PoolReading {
  time: number;
  capacity: PoolAmount;
  /** What the pool's holdings reserve. */
  allocated: PoolAmount;
  /** Cores its workloads' processes used over the last interval. */
  cpuUsed: number;
  /** Resident memory of its workloads' processes, MB. */
  memoryUsedMb: number;
}

interface PoolState {
  history: History;
  latest?: PoolReading;
}

/** The public pool's key in the sampler (dedicated pools are keyed by their id). */
export const PUBLIC_POOL = '';

export class MetricsSampler {
  readonly host: History;
  private readonly pools = new Map<string, PoolState>();
  /** CPU seconds of each process group at the last pass. */
  private groupCpu = new Map<number, number>();
  private hostCpu: CpuTimes | undefined;
  private lastTime: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly source: SampledPools,
    private readonly dataDir: string,
    readonly intervalMs: number,
    private readonly clock: Clock,
  ) {
    this.host = new History(Object.keys(HOST_FIELDS).length, intervalMs);
  }

  /** Samples now and then every interval; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass: reads the host and every pool and adds the readings to their histories. */
  sample(): void {
    const now = this.clock.now();
    const elapsedSeconds = this.lastTime === undefined ? 0 : (now - this.lastTime) / 1000;
    this.lastTime = now;

    const cpu = readCpuTimes();
    const hostCpu = cpuPercent(this.hostCpu, cpu);
    this.hostCpu = cpu;
    const memory = readMemory();
    const disk = readDisk(this.dataDir);
    this.host.add(now, [
      hostCpu,
      memory ? ((memory.totalMb - memory.availableMb) / memory.totalMb) * 100 : 0,
      disk?.capacityMb ?? 0,
      disk?.availableMb ?? 0,
      disk?.usedPercent ?? 0,
    ]);

    const groupCpu = new Map<number, number>();
    const live = new Set<string>();
    const pools = [{ name: PUBLIC_POOL, pool: this.source.publicPool }, ...this.source.list()];
    for (const { name, pool } of pools) {
      live.add(name);
      let cpuSeconds = 0;
      let rssBytes = 0;
      for (const h of pool.holdings())
        for (const pgid of h.processGroups) {
          const u = groupUsage(pgid);
          groupCpu.set(pgid, u.cpuSeconds);
          const before = this.groupCpu.get(pgid);
          // A group seen for the first time has no interval yet; one whose count fell lost processes.
          if (before !== undefined && u.cpuSeconds >= before) cpuSeconds += u.cpuSeconds - before;
          rssBytes += u.rssBytes;
        }
      const capacity = pool.capacity;
      const reading: PoolReading = {
        time: now,
        capacity,
        allocated: pool.used(),
        cpuUsed: elapsedSeconds > 0 ? cpuSeconds / elapsedSeconds : 0,
        memoryUsedMb: rssBytes / 1024 / 1024,
      };
      let state = this.pools.get(name);
      if (!state) {
        state = { history: new History(Object.keys(POOL_FIELDS).length, this.intervalMs) };
        this.pools.set(name, state);
      }
      state.latest = reading;
      state.history.add(now, [
        capacity.cpu > 0 ? (reading.cpuUsed / capacity.cpu) * 100 : 0,
        capacity.memoryMb > 0 ? (reading.memoryUsedMb / capacity.memoryMb) * 100 : 0,
      ]);
    }
    this.groupCpu = groupCpu;
    // A pool that is gone takes its history with it.
    for (const name of this.pools.keys()) if (!live.has(name)) this.pools.delete(name);
  }

  /** The history and latest reading of a pool (`PUBLIC_POOL` for the public one). */
  pool(name: string): { history: History; latest?: PoolReading } | undefined {
    return this.pools.get(name);
  }

  /** Forgets a removed pool at once (the next pass would anyway). */
  forget(name: string): void {
    this.pools.delete(name);
  }
}
