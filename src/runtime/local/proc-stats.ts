// Process facts read from /proc (Linux): identity (start time) and CPU and memory of a process group.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;
const CLOCK_TICKS = 100;

interface StatFields {
  ppid: number;
  pgrp: number;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: the children it has waited for, clock ticks. */
  childTicks: number;
  /** Since boot, clock ticks: with the pid it identifies a process across pid reuse. */
  startTicks: number;
  rssBytes: number;
  state: string;
}

function readStat(pid: number): StatFields | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const n = (i: number) => Number(rest[i] ?? 0);
  return {
    state: rest[0] ?? '?',
    ppid: n(1),
    pgrp: n(2),
    cpuTicks: n(11) + n(12),
    childTicks: n(13) + n(14),
    startTicks: n(19),
    rssBytes: n(21) * PAGE_BYTES,
  };
}

/**
 * Bytes the process (with the children it has waited for) has read and written through read and
 * write calls: files (cached or not), pipes and sockets (`rchar`, `wchar` of /proc/<pid>/io).
 * Undefined when the file cannot be read (another user's process, for a server not running as root).
 */
function readIo(pid: number): { readBytes: number; writeBytes: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/io`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  const readBytes = field('rchar');
  const writeBytes = field('wchar');
  return Number.isFinite(readBytes) && Number.isFinite(writeBytes) ? { readBytes, writeBytes } : undefined;
}

/** Seconds since the process started; undefined when it does not exist. */
export function processAgeSeconds(pid: number): number | undefined {
  const s = readStat(pid);
  if (!s) return undefined;
  try {
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    return Number.isFinite(uptime) ? Math.max(0, uptime - s.startTicks / CLOCK_TICKS) : undefined;
  } catch {
    return undefined;
  }
}

/** The process's start time in clock ticks since boot, or undefined when it does not exist. */
export function processStartTicks(pid: number): number | undefined {
  return readStat(pid)?.startTicks;
}

/** Whether the process `pid` that started at `startTicks` still runs (a zombie counts as ended). */
export function isSameProcessAlive(pid: number, startTicks: number): boolean {
  const s = readStat(pid);
  return s !== undefined && s.startTicks === startTicks && s.state !== 'Z';
}

export interface GroupUsage {
  /**
   * CPU seconds consumed so far by the group's live processes and the children they waited for (a
   * process that ended and was waited for moves into its parent's count, so the sum grows steadily).
   */
  cpuSeconds: number;
  rssBytes: number;
  processes: number;
  /** Bytes read and written so far (files, pipes, sockets), counted the same way; undefined when no process's counters can be read. */
  io?: { readBytes: number; writeBytes: number };
}

/** Sums CPU time, resident memory (and, with `withIo`, bytes read and written) of every live process in process group `pgid`. */
export function groupUsage(pgid: number, withIo = false): GroupUsage {
  let ticks = 0;
  let rss = 0;
  let processes = 0;
  let io: GroupUsage['io'];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return { cpuSeconds: 0, rssBytes: 0, processes: 0 };
  }
  for (const name of entries) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const s = readStat(Number(name));
    if (!s || s.pgrp !== pgid || s.state === 'Z') continue;
    ticks += s.cpuTicks + s.childTicks;
    rss += s.rssBytes;
    processes++;
    const p = withIo ? readIo(Number(name)) : undefined;
    if (p) io = { readBytes: (io?.readBytes ?? 0) + p.readBytes, writeBytes: (io?.writeBytes ?? 0) + p.writeBytes };
  }
  return { cpuSeconds: ticks / CLOCK_TICKS, rssBytes: rss, processes, ...(io ? { io } : {}) };
}

/** One reading of every live process: parent, group and resident memory. */
export type ProcessTable = Map<number, { ppid: number; pgrp: number; rssBytes: number }>;

export function processTable(): ProcessTable {
  const table: ProcessTable = new Map();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return table;
  }
  for (const name of entries) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue;
    const s = readStat(Number(name));
    if (s && s.state !== 'Z') table.set(Number(name), { ppid: s.ppid, pgrp: s.pgrp, rssBytes: s.rssBytes });
  }
  return table;
}

/**
 * Resident memory of a workload: every process of the group led by `leader` and every descendant
 * of the leader (a process that left the group, e.g. by setsid, still counts while it descends).
 */
export function workloadRss(leader: number, table: ProcessTable): number {
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) {
    const list = children.get(p.ppid);
    if (list) list.push(pid);
    else children.set(p.ppid, [pid]);
  }
  const counted = new Set<number>();
  const stack = table.has(leader) ? [leader] : [];
  for (const [pid, p] of table) if (p.pgrp === leader) stack.push(pid);
  let rss = 0;
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (counted.has(pid)) continue;
    counted.add(pid);
    rss += table.get(pid)?.rssBytes ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return rss;
}
