// The sampling loop of pool metrics: every interval, one reading of the host (CPU, memory, data disk)
// and of each pool (capacity, what its holdings reserve, and what their process groups really use),
// kept in bounded histories (history.ts) for the monitor and the runtime metrics. On the kubernetes executor a
// dedicated pool holds whole nodes of the cluster, and what they use is read from the cluster's metrics API instead.
// With a SharedHistory, one replica samples and writes what it read to the database, and the others read it from there
// (shared-history.ts).
import type { Clock } from '#src/core/time.ts';
import type { PoolAmount } from '../local/host-resources.ts';
import type { LocalPool } from '../local/local-pool.ts';
import { groupUsage } from '../local/proc-stats.ts';
import { History } from './history.ts';
import { cpuPercent, readCpuTimes, readDisk, readMemory, type CpuTimes } from './host-readings.ts';
import type { SeriesChanges, SharedHistory } from './shared-history.ts';

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

const HOST_SERIES = 'host';
const POOL_SERIES = 'pool:';

export class MetricsSampler {
  readonly host: History;
  private readonly pools = new Map<string, PoolState>();
  /** CPU seconds of each process group at the last pass. */
  private groupCpu = new Map<number, number>();
  private hostCpu: CpuTimes | undefined;
  private lastTime: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private passing: Promise<void> | undefined;
  /** Whether this replica holds the sampler's lease (always, without a shared history). */
  private sampling = false;
  private reading: Promise<void> | undefined;
  private leasing: Promise<void> | undefined;
  private saving: Promise<void> | undefined;
  /** Per series, the start of each tier's newest bucket at the last write: the next write starts there. */
  private saved = new Map<string, number[]>();

  constructor(
    private readonly source: SampledPools,
    private readonly dataDir: string,
    readonly intervalMs: number,
    private readonly clock: Clock,
    /** On the kubernetes executor: the nodes' use, which a dedicated pool's nodes are measured by. */
    private readonly measureNodes?: NodeMeasure,
    /** Among replicas on one database: who samples, and where every replica reads the samples. */
    private readonly shared?: SharedHistory,
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

  /**
   * A pass of the loop. Alone, the sample (after the nodes' use, when they are measured; one pass at a time). With a
   * shared history the lease is renewed beside it, and only its holder samples: on time, whatever the database's
   * latency, its writes following behind (a write still under way when the next pass ends is left to the one after).
   */
  private pass(): void {
    if (this.shared) {
      this.leasing ??= this.renew(this.shared)
        .catch(() => undefined)
        .finally(() => (this.leasing = undefined));
      if (!this.sampling) return;
    }
    // Only dedicated pools are measured by their nodes: without one, the cluster is not asked.
    if (!this.measureNodes || this.source.list().length === 0) return this.sampled();
    this.passing ??= this.measureNodes()
      .catch(() => undefined)
      .then((nodes) => this.sampled(nodes))
      .finally(() => (this.passing = undefined));
  }

  private sampled(nodes?: Awaited<ReturnType<NodeMeasure>>): void {
    this.sample(nodes);
    if (this.shared) this.saving ??= this.save(this.shared).finally(() => (this.saving = undefined));
  }

  /** Takes or keeps the lease; on taking it over, reads the stored history first and samples at once. */
  private async renew(shared: SharedHistory): Promise<void> {
    const held = await shared.claim();
    if (held && !this.sampling) {
      this.apply(await shared.changes());
      // What is restored is stored already: the first write starts from each tier's newest bucket.
      this.saved = new Map(this.series().map(({ series, history }) => [series, history.tiers.map((t) => t.newest())]));
      this.sampling = true;
      this.pass();
    } else if (!held && this.sampling) {
      this.sampling = false;
      // The next turn measures its own interval again.
      this.lastTime = undefined;
      this.hostCpu = undefined;
      this.groupCpu = new Map();
    }
  }

  /** The series held here; `sampledOnly`: the host and the pools sampled now (not those only read). */
  private series(sampledOnly = false): { series: string; history: History; latest?: PoolReading }[] {
    const sampled = new Set([PUBLIC_POOL, ...this.source.list().map((p) => p.name)]);
    return [
      { series: HOST_SERIES, history: this.host },
      ...[...this.pools]
        .filter(([name]) => !sampledOnly || sampled.has(name))
        .map(([name, s]) => ({ series: POOL_SERIES + name, history: s.history, ...(s.latest ? { latest: s.latest } : {}) })),
    ];
  }

  /** Writes the buckets changed since the last write (from each tier's newest bucket written then), and the readings. */
  private async save(shared: SharedHistory): Promise<void> {
    const marks = new Map<string, number[]>();
    const writes = this.series(true).map(({ series, history, latest }) => {
      const from = this.saved.get(series);
      marks.set(
        series,
        history.tiers.map((t) => t.newest()),
      );
      return {
        series,
        tiers: history.tiers.map((t, i) => t.since(from?.[i] ?? -Infinity)),
        spans: history.tiers.map((t) => t.slots * t.widthMs),
        ...(latest ? { latest } : {}),
      };
    });
    try {
      await shared.save(writes);
      for (const [series, m] of marks) this.saved.set(series, m);
    } catch {
      // Written again, with what follows, by the next save.
    }
  }

  /** Brings a replica that does not sample up to what the sampling one wrote (nothing to do on that one, or alone). */
  async refresh(): Promise<void> {
    const shared = this.shared;
    if (!shared || this.sampling) return;
    this.reading ??= shared
      .changes()
      .then((c) => this.apply(c))
      .finally(() => (this.reading = undefined));
    await this.reading;
  }

  private apply(changes: SeriesChanges): void {
    for (const { series, tier, bucket } of changes.buckets) {
      const history = series === HOST_SERIES ? this.host : series.startsWith(POOL_SERIES) ? this.state(series.slice(POOL_SERIES.length)).history : undefined;
      history?.tiers[tier]?.put(bucket);
    }
    for (const { series, reading } of changes.latest)
      if (series.startsWith(POOL_SERIES)) this.state(series.slice(POOL_SERIES.length)).latest = reading as PoolReading;
  }

  private state(name: string): PoolState {
    let state = this.pools.get(name);
    if (!state) {
      state = { history: new History(Object.keys(POOL_FIELDS).length, this.intervalMs) };
      this.pools.set(name, state);
    }
    return state;
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
      const state = this.state(name);
      state.latest = reading;
      state.history.add(now, [
        capacity.cpu > 0 ? (reading.cpuUsed / capacity.cpu) * 100 : 0,
        capacity.memoryMb > 0 ? (reading.memoryUsedMb / capacity.memoryMb) * 100 : 0,
      ]);
    }
    this.groupCpu = groupCpu;
    // A pool that is gone takes its history with it. Shared, a pool this replica does not know yet (made through
    // another one) keeps what was read of it until it is registered here; a deleted pool is forgotten (forget).
    if (!this.shared) for (const name of this.pools.keys()) if (!live.has(name)) this.pools.delete(name);
  }

  /** The history and latest reading of a pool (`PUBLIC_POOL` for the public one). */
  pool(name: string): { history: History; latest?: PoolReading } | undefined {
    return this.pools.get(name);
  }

  /** Forgets a removed pool at once (alone, the next pass would anyway), and its stored history. */
  forget(name: string): void {
    this.pools.delete(name);
    this.saved.delete(POOL_SERIES + name);
    void this.shared?.remove(POOL_SERIES + name).catch(() => undefined);
  }

  /** Lets a pass under way finish, and what it writes. */
  async settled(): Promise<void> {
    await this.passing;
    await this.leasing;
    await this.saving;
  }

  /** Hands the sampling over to another replica at once (at close). */
  async release(): Promise<void> {
    if (!this.shared || !this.sampling) return;
    // The last samples first, then the lease.
    await this.save(this.shared);
    this.sampling = false;
    await this.shared.release();
  }
}

/** What the pool's nodes use together, when the reading names any of them. */
function nodeUse(pool: LocalPool, nodes: Awaited<ReturnType<NodeMeasure>>): { cpuCores: number; memoryBytes: number } | undefined {
  if (!nodes) return undefined;
  const measured = pool.nodes().flatMap((n) => nodes.get(n.name) ?? []);
  if (measured.length === 0) return undefined;
  return measured.reduce((a, u) => ({ cpuCores: a.cpuCores + u.cpuCores, memoryBytes: a.memoryBytes + u.memoryBytes }), { cpuCores: 0, memoryBytes: 0 });
}
