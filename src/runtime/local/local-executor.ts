// The local executor: runs a workload's processes on this host, each replica in its own process
// group (so a kill reaches every process it started), with stdout and stderr going straight to a log
// file and the exit code written by a small shell wrapper. Nothing ties a process to the server, so
// a restarted server can adopt it again by pid and start time. A replica's CPU and memory limits
// (a ResourceGroup, made by the sandbox) are joined before it starts; one that goes over its memory
// is killed and its exit says so.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GroupRecord, GroupReport, ResourceControl, ResourceGroup } from '#src/runtime/sandbox/resource-control.ts';
import { wrapperArgv } from '#src/runtime/sandbox/wrapper.ts';
import { groupUsage, isSameProcessAlive, processAgeSeconds, processStartTicks, processTable } from './proc-stats.ts';

export interface ProcessSpec {
  /** The replica's own folder: pid, exit code and metrics files go here. */
  dir: string;
  /** Executable and arguments. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** Appended to; receives stdout and stderr. */
  logFile: string;
  /** CPU and memory limits, entered before the command starts (released when it ends). */
  group?: ResourceGroup;
}

/** How a process ended: its exit code, or the signal that killed it, or unknown (adopted and gone). */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** Set when it went over its memory limit and was killed for it. */
  overMemory?: { limitMb: number };
  /** What its limits saw (with a ResourceGroup). */
  usage?: GroupReport;
}

export interface ProcessHandle {
  pid: number;
  startTicks: number;
  /** Resolves once the process group's leader has ended. */
  exited: Promise<ProcessExit>;
}

export interface UsageSample {
  /** Epoch ms. */
  at: number;
  /** Cores in use since the last sample (1.0 = one core busy); the first sample: since the process started. */
  cores: number;
  rssBytes: number;
  /** Bytes read and written since the process started: files, pipes, sockets (undefined when they cannot be read). */
  io?: { readBytes: number; writeBytes: number };
}

export const exitFileOf = (dir: string) => join(dir, 'exit_code');
const limitsFileOf = (dir: string) => join(dir, 'limits.json');
/** Written when the executor killed the replica for its memory (read again after a restart). */
const overMemoryFileOf = (dir: string) => join(dir, 'over_memory');

function readOr(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the exit code a finished wrapper recorded, if any (and whether it was killed for its memory). */
export function recordedExit(dir: string): ProcessExit | undefined {
  const limitMb = Number(readOr(overMemoryFileOf(dir)));
  const overMemory = Number.isFinite(limitMb) && limitMb > 0 ? { overMemory: { limitMb } } : {};
  const text = readOr(exitFileOf(dir));
  const code = Number(text?.trim());
  if (text !== undefined && text.trim() !== '' && Number.isInteger(code)) return { code, signal: null, ...overMemory };
  return 'overMemory' in overMemory ? { code: null, signal: 'SIGKILL', ...overMemory } : undefined;
}

export class LocalExecutor {
  private readonly watched = new Map<number, { startTicks: number; resolve: (e: ProcessExit) => void; dir: string }>();
  private readonly samplers = new Map<number, { lastCpu: number; lastAt: number; onSample: (s: UsageSample) => void }>();
  private readonly children = new Set<ChildProcess>();
  private pollTimer: NodeJS.Timeout | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;

  /** Milliseconds between two samples of a sampled workload. */
  readonly sampleMs: number;

  constructor(private readonly opts: { pollMs?: number; sampleMs?: number; resources?: ResourceControl } = {}) {
    this.sampleMs = opts.sampleMs ?? 1000;
  }

  /** Starts the process in a new process group; throws when the executable cannot be started. */
  async spawn(spec: ProcessSpec): Promise<ProcessHandle> {
    mkdirSync(spec.dir, { recursive: true });
    rmSync(overMemoryFileOf(spec.dir), { force: true });
    if (spec.group) writeFileSync(limitsFileOf(spec.dir), JSON.stringify(spec.group.record));
    else rmSync(limitsFileOf(spec.dir), { force: true });
    const argv = wrapperArgv(spec.command, spec.group?.joinSteps ?? [], exitFileOf(spec.dir));
    const log = openSync(spec.logFile, 'a');
    let child;
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    let pid: number;
    try {
      pid = await new Promise<number>((resolve, reject) => {
        child.once('spawn', () => resolve(child.pid!));
        child.once('error', reject);
      });
    } catch (e) {
      await spec.group?.release();
      throw e;
    }
    this.children.add(child);
    const limits = this.limit(pid, spec.dir, spec.group);
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        void endGroup(pid)
          .then(() => limits.settle({ code, signal }))
          .then(resolve);
      });
    });
    const startTicks = processStartTicks(pid) ?? 0;
    writeFileSync(join(spec.dir, 'pid'), `${pid} ${startTicks}`);
    return { pid, startTicks, exited };
  }

  /**
   * Watches the replica's memory (killing its group when it goes over) and, once it has ended,
   * adds what its limits saw to its exit and gives the limits back.
   */
  private limit(pid: number, dir: string, group: ResourceGroup | undefined): { settle: (exit: ProcessExit) => Promise<ProcessExit> } {
    if (!group) return { settle: async (exit) => exit };
    const limitMb = group.record.limits.memoryMb;
    let over = false;
    const unwatch = this.opts.resources?.watch(pid, group, () => {
      over = true;
      writeFileSync(overMemoryFileOf(dir), String(limitMb));
      signalGroup(pid, 'SIGKILL');
    });
    return {
      settle: async (exit) => {
        unwatch?.();
        if (!over && group.overMemory(pid, processTable)) {
          over = true;
          writeFileSync(overMemoryFileOf(dir), String(limitMb));
        }
        const usage = group.report();
        await group.release();
        return { ...exit, ...(over ? { overMemory: { limitMb } } : {}), usage };
      },
    };
  }

  /** The limits recorded in a replica's folder, found again (after a restart). */
  private restoreGroup(dir: string): ResourceGroup | undefined {
    const text = readOr(limitsFileOf(dir));
    if (!text || !this.opts.resources) return undefined;
    try {
      return this.opts.resources.restore(JSON.parse(text) as GroupRecord);
    } catch {
      return undefined;
    }
  }

  /** How a replica that ended while no server watched it went (its limits given back). */
  async endedExit(dir: string): Promise<ProcessExit> {
    const exit = recordedExit(dir) ?? { code: null, signal: null };
    const group = this.restoreGroup(dir);
    if (!group) return exit;
    const over = exit.overMemory !== undefined || group.overMemory(0, () => new Map());
    const usage = group.report();
    await group.release();
    return { ...exit, ...(over ? { overMemory: { limitMb: group.record.limits.memoryMb } } : {}), usage };
  }

  /**
   * Watches a process this server did not start (or started before a restart). Its end is noticed by
   * polling; the exit code comes from the wrapper's file. Undefined when it is no longer running.
   */
  adopt(pid: number, startTicks: number, dir: string): ProcessHandle | undefined {
    if (!isSameProcessAlive(pid, startTicks)) return undefined;
    const limits = this.limit(pid, dir, this.restoreGroup(dir));
    const exited = new Promise<ProcessExit>((resolve) => this.watched.set(pid, { startTicks, resolve: (e) => void limits.settle(e).then(resolve), dir }));
    this.pollTimer ??= setInterval(() => this.poll(), this.opts.pollMs ?? 250);
    return { pid, startTicks, exited };
  }

  private poll(): void {
    for (const [pid, w] of this.watched) {
      if (isSameProcessAlive(pid, w.startTicks)) continue;
      this.watched.delete(pid);
      void endGroup(pid).then(() => w.resolve(recordedExit(w.dir) ?? { code: null, signal: null }));
    }
    if (this.watched.size === 0) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  /** Signals the whole process group; SIGKILL follows after `graceMs` if the leader still runs. */
  kill(pid: number, startTicks: number, graceMs = 3000): void {
    if (!isSameProcessAlive(pid, startTicks)) return;
    signalGroup(pid, 'SIGTERM');
    setTimeout(() => {
      if (isSameProcessAlive(pid, startTicks)) signalGroup(pid, 'SIGKILL');
      else signalGroup(pid, 'SIGKILL'); // leftovers of the group, if any
    }, graceMs).unref();
  }

  /**
   * Samples CPU, memory and I/O of the group led by `pid` at once, then every sampleMs until
   * unsampled: a workload shorter than one step still has its sample.
   */
  sample(pid: number, onSample: (s: UsageSample) => void): void {
    const now = Date.now();
    const u = groupUsage(pid, true);
    this.samplers.set(pid, { lastCpu: u.cpuSeconds, lastAt: now, onSample });
    if (u.processes > 0) {
      const age = Math.max(0.01, processAgeSeconds(pid) ?? 0);
      onSample({ at: now, cores: u.cpuSeconds / age, rssBytes: u.rssBytes, ...(u.io ? { io: u.io } : {}) });
    }
    this.sampleTimer ??= setInterval(() => this.takeSamples(), this.sampleMs);
  }

  unsample(pid: number): void {
    this.samplers.delete(pid);
    if (this.samplers.size === 0) {
      clearInterval(this.sampleTimer);
      this.sampleTimer = undefined;
    }
  }

  private takeSamples(): void {
    const now = Date.now();
    for (const [pid, s] of this.samplers) {
      const u = groupUsage(pid, true);
      if (u.processes === 0) continue;
      const elapsed = (now - s.lastAt) / 1000;
      const cores = elapsed > 0 ? Math.max(0, u.cpuSeconds - s.lastCpu) / elapsed : 0;
      s.lastCpu = Math.max(s.lastCpu, u.cpuSeconds);
      s.lastAt = now;
      s.onSample({ at: now, cores, rssBytes: u.rssBytes, ...(u.io ? { io: u.io } : {}) });
    }
  }

  /** Stops watching and sampling (the processes keep running). */
  close(): void {
    clearInterval(this.pollTimer);
    clearInterval(this.sampleTimer);
    this.pollTimer = undefined;
    this.sampleTimer = undefined;
    this.watched.clear();
    this.samplers.clear();
    // Let the server's process end while the workloads go on; a restart adopts them.
    for (const c of this.children) c.unref();
  }
}

/**
 * Once a workload's leader has ended, whatever it left running in its group goes too: the group
 * is killed and awaited (a bounded wait), so "ended" means no process of it remains.
 */
async function endGroup(pgid: number): Promise<void> {
  for (let i = 0; i < 100 && groupUsage(pgid).processes > 0; i++) {
    signalGroup(pgid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}
