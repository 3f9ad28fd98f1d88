// Enforcing a workload's CPU and memory: a cgroup per workload where this host allows it (memory
// limit, CPU quota), else CPU affinity (as many cores as the flavor has) and a watchdog that kills
// the workload when its resident memory goes over the limit. Both notice a workload that went over
// its memory, so it is reported as such.
import { readFileSync } from 'node:fs';
import { processTable, workloadRss, type ProcessTable } from '#src/runtime/local/proc-stats.ts';
import {
  detectCgroups,
  makeCpuGroup,
  makeMemoryGroup,
  oomKills,
  peakMemory,
  removeGroup,
  throttledSeconds,
  type CgroupBases,
  type CgroupVersion,
} from './cgroups.ts';

export interface ResourceLimits {
  /** Cores (may be fractional). */
  cpu: number;
  memoryMb: number;
}

export type MemoryEnforcement = 'cgroup-v1' | 'cgroup-v2' | 'watchdog';
export type CpuEnforcement = 'cgroup-v1' | 'cgroup-v2' | 'affinity' | 'none';

/** What is needed to find a workload's limits again after a restart (kept in its folder). */
export interface GroupRecord {
  limits: ResourceLimits;
  memory: { kind: MemoryEnforcement; dir?: string };
  cpu: { kind: CpuEnforcement; dir?: string; cpus?: number[] };
}

export interface GroupReport {
  peakMemoryMb?: number;
  /** Seconds the CPU quota held the workload back. */
  throttledSeconds?: number;
}

export interface ResourceGroup {
  readonly record: GroupRecord;
  /** Steps the launcher performs on itself before it starts the workload (see wrapperArgv). */
  readonly joinSteps: string[];
  /** Whether the workload led by `leader` has gone over its memory. */
  overMemory(leader: number, table: () => ProcessTable): boolean;
  report(): GroupReport;
  /** Gives the limits back (removes the cgroups); call once the workload has ended. */
  release(): Promise<void>;
}

const WATCH_MS = 500;
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function cpusAllowed(): number[] {
  try {
    const list = /^Cpus_allowed_list:\s*(.+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
    const out: number[] = [];
    for (const part of list.split(',')) {
      const [a, b] = part.split('-').map(Number);
      if (a === undefined || Number.isNaN(a)) continue;
      for (let c = a; c <= (b ?? a); c++) out.push(c);
    }
    return out;
  } catch {
    return [];
  }
}

export class ResourceControl {
  readonly memory: MemoryEnforcement;
  readonly cpu: CpuEnforcement;
  private readonly version: CgroupVersion | undefined;
  /** Workloads placed on each allowed core (affinity only). */
  private readonly coreLoad = new Map<number, number>();
  private readonly watched = new Map<number, { group: ResourceGroup; onOver: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  /** `bases`: cgroups found usable (detectCgroups); `taskset`: its path, for affinity. */
  constructor(
    private readonly bases: CgroupBases | undefined,
    private readonly taskset: string | undefined,
  ) {
    this.version = bases?.version;
    const v = bases?.version === 'v2' ? 'cgroup-v2' : 'cgroup-v1';
    this.memory = bases?.memory ? v : 'watchdog';
    const cores = cpusAllowed();
    for (const c of cores) this.coreLoad.set(c, 0);
    this.cpu = bases?.cpu ? v : taskset && cores.length > 0 ? 'affinity' : 'none';
  }

  /** Finds what this host allows (cgroups are probed by making one). */
  static detect(taskset: string | undefined): ResourceControl {
    return new ResourceControl(detectCgroups(), taskset);
  }

  describe(): string {
    const memory = { 'cgroup-v1': 'a cgroup v1 memory limit', 'cgroup-v2': 'a cgroup v2 memory limit', watchdog: 'a resident-memory watchdog' }[this.memory];
    const cpu = {
      'cgroup-v1': 'a cgroup v1 CPU quota',
      'cgroup-v2': 'a cgroup v2 CPU quota',
      affinity: 'CPU affinity',
      none: 'nothing (no cgroup, no taskset)',
    }[this.cpu];
    return `memory enforced by ${memory}, CPU by ${cpu}`;
  }

  /** Makes the limits of a new workload, before it starts. `name` must be unique on this host. */
  create(name: string, limits: ResourceLimits): ResourceGroup {
    const record: GroupRecord = { limits, memory: { kind: this.memory }, cpu: { kind: this.cpu } };
    const made: string[] = [];
    try {
      if (this.memory !== 'watchdog' && this.bases?.memory) {
        record.memory.dir = makeMemoryGroup(this.version!, this.bases.memory, name, limits.memoryMb);
        made.push(record.memory.dir);
      }
      if ((this.cpu === 'cgroup-v1' || this.cpu === 'cgroup-v2') && this.bases?.cpu) {
        const shared = this.version === 'v2' ? record.memory.dir : undefined;
        record.cpu.dir = makeCpuGroup(this.version!, this.bases.cpu, name, limits.cpu, shared);
        if (!shared) made.push(record.cpu.dir);
      }
    } catch (e) {
      for (const d of made) void removeGroup(d).catch(() => undefined);
      throw new Error(`cannot make the resource limits of ${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (this.cpu === 'affinity') record.cpu.cpus = this.pickCores(Math.ceil(limits.cpu));
    return this.groupOf(record);
  }

  /** The group of a workload started before a restart, from its record. */
  restore(record: GroupRecord): ResourceGroup {
    for (const c of record.cpu.cpus ?? []) this.coreLoad.set(c, (this.coreLoad.get(c) ?? 0) + 1);
    return this.groupOf(record);
  }

  /** Calls `onOver` once if the workload led by `leader` goes over its memory; returns the unwatch. */
  watch(leader: number, group: ResourceGroup, onOver: () => void): () => void {
    this.watched.set(leader, { group, onOver });
    this.timer ??= setInterval(() => this.tick(), WATCH_MS).unref();
    return () => this.unwatch(leader);
  }

  private unwatch(leader: number): void {
    this.watched.delete(leader);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private tick(): void {
    let table: ProcessTable | undefined;
    const snapshot = () => (table ??= processTable());
    for (const [leader, w] of this.watched) {
      if (!w.group.overMemory(leader, snapshot)) continue;
      this.unwatch(leader);
      w.onOver();
    }
  }

  /** The `n` least used allowed cores. */
  private pickCores(n: number): number[] {
    const cores = [...this.coreLoad]
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .slice(0, Math.max(1, n))
      .map(([c]) => c);
    for (const c of cores) this.coreLoad.set(c, (this.coreLoad.get(c) ?? 0) + 1);
    return cores.sort((a, b) => a - b);
  }

  private groupOf(record: GroupRecord): ResourceGroup {
    const { memory, cpu, limits } = record;
    const version: CgroupVersion = memory.kind === 'cgroup-v2' || cpu.kind === 'cgroup-v2' ? 'v2' : 'v1';
    const limitBytes = limits.memoryMb * 1024 * 1024;
    const joinSteps: string[] = [];
    for (const dir of new Set([memory.dir, cpu.dir])) if (dir) joinSteps.push(`cg=${dir}/cgroup.procs`);
    if (cpu.cpus && this.taskset) joinSteps.push(`affinity=${cpu.cpus.join(',')}@${this.taskset}`);
    let peakRss = 0;
    let released = false;
    return {
      record,
      joinSteps,
      overMemory: (leader, table) => {
        if (memory.dir) return oomKills(version, memory.dir) > 0;
        const rss = workloadRss(leader, table());
        peakRss = Math.max(peakRss, rss);
        return rss > limitBytes;
      },
      report: () => {
        const peak = memory.dir ? peakMemory(version, memory.dir) : peakRss;
        const throttled = cpu.dir ? throttledSeconds(version, cpu.dir) : undefined;
        return { ...(peak ? { peakMemoryMb: mb(peak) } : {}), ...(throttled !== undefined ? { throttledSeconds: Math.round(throttled * 100) / 100 } : {}) };
      },
      release: async () => {
        if (released) return;
        released = true;
        for (const c of cpu.cpus ?? []) this.coreLoad.set(c, Math.max(0, (this.coreLoad.get(c) ?? 1) - 1));
        for (const dir of new Set([memory.dir, cpu.dir])) if (dir) await removeGroup(dir).catch(() => undefined);
      },
    };
  }
}
