// The local executor: runs a workload's processes on this host, each replica in its own process
// group (so a kill reaches every process it started), with stdout and stderr going straight to a log
// file and the exit code written by a small shell wrapper. Nothing ties a process to the server, so
// a restarted server can adopt it again by pid and start time.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupUsage, isSameProcessAlive, processStartTicks } from './proc-stats.ts';

export interface ProcessSpec {
  /** The replica's own folder: pid, exit code and metrics files go here. */
  dir: string;
  /** Executable and arguments. */
  command: string[];
  cwd: string;
  env: Record<string, string>;
  /** Appended to; receives stdout and stderr. */
  logFile: string;
}

/** How a process ended: its exit code, or the signal that killed it, or unknown (adopted and gone). */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
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
  /** Cores in use since the last sample (1.0 = one core busy). */
  cores: number;
  rssBytes: number;
}

// The wrapper stays the group leader and records the exit code, even when the server is gone.
const WRAPPER = '"$@"; code=$?; printf "%s" "$code" > "$ATELIER_EXIT_FILE"; exit $code';

export const exitFileOf = (dir: string) => join(dir, 'exit_code');

/** Reads the exit code a finished wrapper recorded, if any. */
export function recordedExit(dir: string): ProcessExit | undefined {
  try {
    const code = Number(readFileSync(exitFileOf(dir), 'utf8').trim());
    return Number.isInteger(code) ? { code, signal: null } : undefined;
  } catch {
    return undefined;
  }
}

export class LocalExecutor {
  private readonly watched = new Map<number, { startTicks: number; resolve: (e: ProcessExit) => void; dir: string }>();
  private readonly samplers = new Map<number, { lastCpu: number; lastAt: number; onSample: (s: UsageSample) => void }>();
  private readonly children = new Set<ChildProcess>();
  private pollTimer: NodeJS.Timeout | undefined;
  private sampleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly opts: { pollMs?: number; sampleMs?: number } = {},
  ) {}

  /** Starts the process in a new process group; throws when the executable cannot be started. */
  async spawn(spec: ProcessSpec): Promise<ProcessHandle> {
    mkdirSync(spec.dir, { recursive: true });
    const log = openSync(spec.logFile, 'a');
    let child;
    try {
      child = spawn('/bin/sh', ['-c', WRAPPER, 'atelier-task', ...spec.command], {
        cwd: spec.cwd,
        env: { ...spec.env, ATELIER_EXIT_FILE: exitFileOf(spec.dir) },
        detached: true,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    this.children.add(child);
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.children.delete(child);
        void endGroup(pid).then(() => resolve({ code, signal }));
      });
    });
    const startTicks = processStartTicks(pid) ?? 0;
    writeFileSync(join(spec.dir, 'pid'), `${pid} ${startTicks}`);
    return { pid, startTicks, exited };
  }

  /**
   * Watches a process this server did not start (or started before a restart). Its end is noticed by
   * polling; the exit code comes from the wrapper's file. Undefined when it is no longer running.
   */
  adopt(pid: number, startTicks: number, dir: string): ProcessHandle | undefined {
    if (!isSameProcessAlive(pid, startTicks)) return undefined;
    const exited = new Promise<ProcessExit>((resolve) => this.watched.set(pid, { startTicks, resolve, dir }));
    this.pollTimer ??= setInterval(() => this.poll(), this.opts.pollMs ?? 250);
    return { pid, startTicks, exited };
  }

  private poll(): void {
    for (const [pid, w] of this.watched) {
      if (isSameProcessAlive(pid, w.startTicks)) continue;
      this.watched.delete(pid);
      const exit = recordedExit(w.dir) ?? { code: null, signal: null };
      void endGroup(pid).then(() => w.resolve(exit));
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

  /** Samples CPU and memory of the group led by `pid` every sampleMs until unsampled. */
  sample(pid: number, onSample: (s: UsageSample) => void): void {
    this.samplers.set(pid, { lastCpu: groupUsage(pid).cpuSeconds, lastAt: Date.now(), onSample });
    this.sampleTimer ??= setInterval(() => this.takeSamples(), this.opts.sampleMs ?? 1000);
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
      const u = groupUsage(pid);
      if (u.processes === 0) continue;
      const elapsed = (now - s.lastAt) / 1000;
      const cores = elapsed > 0 ? Math.max(0, u.cpuSeconds - s.lastCpu) / elapsed : 0;
      s.lastCpu = u.cpuSeconds;
      s.lastAt = now;
      s.onSample({ at: now, cores, rssBytes: u.rssBytes });
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
