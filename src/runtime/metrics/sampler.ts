// The sampling loop of pool metrics: every interval, one reading of the host (CPU, memory, data disk)
// and of each pool (capacity, what its holdings reserve, and what their process groups really use),
// kept in bounded histories (history.ts) for the monitor and the runtime metrics. On the kubernetes executor a
// dedicated pool holds whole nodes of the cluster, and what they use is read from the cluster's metrics API instead.
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '../local/host-resources.ts';
import type { LocalPool } from '../local/local-pool.ts';
import { groupUsage } from '../local/proc-stats.ts';
import { History } from './history.ts';
import { cpuPercent, readCpuTimes, readDisk, readMemory, type CpuTimes } from './host-readings.ts';

/** What each node of the cluster uses now, by node name (undefined when it cannot be read). */
export type NodeMeasure = () => Promise<ReadonlyMap<string, { cpuCores: number; memoryBytes: number }> | undefined>;

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
  private passing: Promise<void> | undefined;

  constructor(
    private readonly source: SampledPools,
    private readonly dataDir: string,
    readonly intervalMs: number,
    private readonly clock: Clock,
    /** On the kubernetes executor: the nodes' use, which a dedicated pool's nodes are measured by. */
    private readonly measureNodes?: NodeMeasure,
  ) {
    this.host = new History(Object.keys(HOST_FIELDS).length, intervalMs);
  }

  /** Samples now and then every interval; the timer does not keep the process alive. */
  start(): void {
    if (this.timer) return;
    this.pass();
    this.timer = setInterval(() => this.pass(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A pass of the loop: the nodes' use first when they are measured (one pass at a time), then the sample. */
  private pass(): void {
    // Only dedicated pools are measured by their nodes: without one, the cluster is not asked.
    if (!this.measureNodes || this.source.list().length === 0) return this.sample();
    this.passing ??= this.measureNodes()
      .catch(() => undefined)
      .then((nodes) => this.sample(nodes))
      .finally(() => (this.passing = undefined));
  }

  /**
   * One pass: reads the host and every pool and adds the readings to their histories. `nodes`: what the cluster's
   * nodes use; a dedicated pool whose nodes it names is measured by them.
   */
  sample(nodes?: Awaited<ReturnType<NodeMeasure>>): void {
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
      const measured = name === PUBLIC_POOL ? undefined : nodeUse(pool, nodes);
      for (const h of measured ? [] : pool.holdings())
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
        cpuUsed: measured ? measured.cpuCores : elapsedSeconds > 0 ? cpuSeconds / elapsedSeconds : 0,
        memoryUsedMb: (measured ? measured.memoryBytes : rssBytes) / 1024 / 1024,
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

  /** Lets a pass under way finish. */
  async settled(): Promise<void> {
    await this.passing;
  }
}

/** What the pool's nodes use together, when the reading names any of them. */
function nodeUse(pool: LocalPool, nodes: Awaited<ReturnType<NodeMeasure>>): { cpuCores: number; memoryBytes: number } | undefined {
  if (!nodes) return undefined;
  const measured = pool.nodes().flatMap((n) => nodes.get(n.name) ?? []);
  if (measured.length === 0) return undefined;
  return measured.reduce((a, u) => ({ cpuCores: a.cpuCores + u.cpuCores, memoryBytes: a.memoryBytes + u.memoryBytes }), { cpuCores: 0, memoryBytes: 0 });
}
