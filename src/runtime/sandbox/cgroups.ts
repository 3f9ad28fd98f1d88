// Control groups: where this process's memory and cpu hierarchies are, whether groups with limits
// can be made below them, and one workload's groups (made before it starts, removed after it
// ends). cgroup v1 (separate memory and cpu hierarchies) and v2 (one unified hierarchy) are read.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type CgroupVersion = 'v1' | 'v2';

/** Folders under which this server makes its workloads' groups, per controller. */
export interface CgroupBases {
  version: CgroupVersion;
  memory?: string;
  cpu?: string;
}

const CPU_PERIOD_US = 100_000;

interface Mount {
  root: string;
  mountPoint: string;
  fstype: string;
  superOptions: string[];
}

const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

function cgroupMounts(): Mount[] {
  const out: Mount[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    const fstype = right[0] ?? '';
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    out.push({ root: unescapeMount(left[3] ?? '/'), mountPoint: unescapeMount(left[4] ?? ''), fstype, superOptions: (right[2] ?? '').split(',') });
  }
  return out;
}

/** This process's group per v1 controller, and its v2 group ('' key). */
function ownGroups(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === '') out.set('', m[2]!);
    else for (const c of m[1]!.split(',')) out.set(c, m[2]!);
  }
  return out;
}

/** The host folder of group `path` in a hierarchy mounted at `mount` (which may show a subtree). */
function folderOf(mount: Mount, path: string): string {
  if (mount.root === '/') return join(mount.mountPoint, path);
  if (path === mount.root || path.startsWith(`${mount.root}/`)) return join(mount.mountPoint, path.slice(mount.root.length));
  return mount.mountPoint;
}

const read = (file: string) => readFileSync(file, 'utf8');
const write = (file: string, value: string) => writeFileSync(file, value);

/** Makes and removes a group under `base` with a limit written, to learn that it works. */
function probe(base: string, limitFile: string, value: string): boolean {
  const dir = join(base, `probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(base, { recursive: true });
    mkdirSync(dir);
    try {
      write(join(dir, limitFile), value);
      return true;
    } finally {
      rmdirSync(dir);
    }
  } catch {
    return false;
  }
}

function v2Bases(mount: Mount, own: string): CgroupBases | undefined {
  const dir = folderOf(mount, own);
  const available = (read(join(dir, 'cgroup.controllers')).trim() || '').split(' ');
  if (!available.includes('memory') && !available.includes('cpu')) return undefined;
  const wanted = ['memory', 'cpu'].filter((c) => available.includes(c));
  const enable = (d: string) => write(join(d, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
  const enabled = (d: string) => read(join(d, 'cgroup.subtree_control')).trim().split(' ');
  if (!wanted.every((c) => enabled(dir).includes(c))) {
    try {
      enable(dir);
    } catch {
      // A group holding processes cannot hand controllers to children ("no internal processes"),
      // except the root. When this server is alone in its group it moves into a leaf of its own.
      const procs = read(join(dir, 'cgroup.procs')).trim().split('\n').filter(Boolean);
      if (procs.length !== 1 || Number(procs[0]) !== process.pid) return undefined;
      mkdirSync(join(dir, 'atelier-server'), { recursive: true });
      write(join(dir, 'atelier-server', 'cgroup.procs'), String(process.pid));
      enable(dir);
    }
  }
  const base = join(dir, 'atelier');
  mkdirSync(base, { recursive: true });
  enable(base);
  const memory = wanted.includes('memory') && probe(base, 'memory.max', String(64 * 1024 * 1024)) ? base : undefined;
  const cpu = wanted.includes('cpu') && probe(base, 'cpu.max', `${CPU_PERIOD_US} ${CPU_PERIOD_US}`) ? base : undefined;
  return memory || cpu ? { version: 'v2', ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) } : undefined;
}

function v1Base(mounts: Mount[], own: Map<string, string>, controller: string, limitFile: string, value: string): string | undefined {
  const mount = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes(controller));
  const path = own.get(controller);
  if (!mount || path === undefined) return undefined;
  const base = join(folderOf(mount, path), 'atelier');
  return probe(base, limitFile, value) ? base : undefined;
}

/** Groups older than this with no process left are leftovers (a server that stopped before it removed them). */
const STALE_MS = 10 * 60_000;

/**
 * Removes empty groups left under `base` by servers that ended before their workloads did. A
 * group is joined within moments of being made, so an old empty one belongs to nobody; a group
 * with a process in it is never touched (rmdir refuses it anyway).
 */
function sweepStale(base: string): void {
  let names: string[];
  try {
    names = readdirSync(base, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return;
  }
  const now = Date.now();
  for (const name of names) {
    const dir = join(base, name);
    try {
      if (now - statSync(dir).mtimeMs < STALE_MS || readOr(join(dir, 'cgroup.procs')).trim() !== '') continue;
      rmdirSync(dir);
    } catch {
      // in use, or gone meanwhile
    }
  }
}

/**
 * Where workload groups can be made with limits that work, found by really making one; undefined
 * when neither memory nor cpu can be limited (no cgroups, or not writable by this user).
 */
export function detectCgroups(): CgroupBases | undefined {
  const bases = findBases();
  for (const base of new Set([bases?.memory, bases?.cpu])) if (base) sweepStale(base);
  return bases;
}

function findBases(): CgroupBases | undefined {
  let mounts: Mount[];
  let own: Map<string, string>;
  try {
    mounts = cgroupMounts();
    own = ownGroups();
  } catch {
    return undefined;
  }
  const unified = mounts.find((m) => m.fstype === 'cgroup2');
  const ownV2 = own.get('');
  if (unified && ownV2 !== undefined) {
    try {
      const v2 = v2Bases(unified, ownV2);
      if (v2) return v2;
    } catch {
      // not usable; v1 may be
    }
  }
  const memory = v1Base(mounts, own, 'memory', 'memory.limit_in_bytes', String(64 * 1024 * 1024));
  const cpu = v1Base(mounts, own, 'cpu', 'cpu.cfs_quota_us', String(CPU_PERIOD_US));
  return memory || cpu ? { version: 'v1', ...(memory ? { memory } : {}), ...(cpu ? { cpu } : {}) } : undefined;
}

const cpuQuota = (cores: number) => Math.max(1000, Math.round(cores * CPU_PERIOD_US));

/** Makes a memory group with its limit; returns its folder. */
export function makeMemoryGroup(version: CgroupVersion, base: string, name: string, memoryMb: number): string {
  const dir = join(base, name);
  const bytes = String(memoryMb * 1024 * 1024);
  mkdirSync(dir);
  if (version === 'v1') {
    write(join(dir, 'memory.limit_in_bytes'), bytes);
    // Without swap accounting the file is missing; with it, swap must not extend the limit.
    tryWrite(join(dir, 'memory.memsw.limit_in_bytes'), bytes);
  } else {
    write(join(dir, 'memory.max'), bytes);
    tryWrite(join(dir, 'memory.swap.max'), '0');
    // The out-of-memory killer takes the whole workload, not one of its processes.
    tryWrite(join(dir, 'memory.oom.group'), '1');
  }
  return dir;
}

/** Makes a cpu group with a CFS quota of `cores` (or writes it into the v2 group already made). */
export function makeCpuGroup(version: CgroupVersion, base: string, name: string, cores: number, existing?: string): string {
  const dir = existing ?? join(base, name);
  if (!existing) mkdirSync(dir);
  if (version === 'v1') {
    write(join(dir, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    write(join(dir, 'cpu.cfs_quota_us'), String(cpuQuota(cores)));
  } else {
    write(join(dir, 'cpu.max'), `${cpuQuota(cores)} ${CPU_PERIOD_US}`);
  }
  return dir;
}

function tryWrite(file: string, value: string): void {
  try {
    write(file, value);
  } catch {
    // an optional knob this kernel lacks
  }
}

function field(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

function readOr(file: string): string {
  try {
    return read(file);
  } catch {
    return '';
  }
}

/** How many times the kernel's out-of-memory killer acted in the memory group. */
export function oomKills(version: CgroupVersion, dir: string): number {
  return version === 'v1' ? (field(readOr(join(dir, 'memory.oom_control')), 'oom_kill') ?? 0) : (field(readOr(join(dir, 'memory.events')), 'oom_kill') ?? 0);
}

/** The memory group's peak usage in bytes, when the kernel keeps it. */
export function peakMemory(version: CgroupVersion, dir: string): number | undefined {
  const text = readOr(join(dir, version === 'v1' ? 'memory.max_usage_in_bytes' : 'memory.peak')).trim();
  return text === '' ? undefined : Number(text);
}

/** Seconds the cpu group was held back by its quota. */
export function throttledSeconds(version: CgroupVersion, dir: string): number | undefined {
  const stat = readOr(join(dir, 'cpu.stat'));
  if (version === 'v1') {
    const ns = field(stat, 'throttled_time');
    return ns === undefined ? undefined : ns / 1e9;
  }
  const us = field(stat, 'throttled_usec');
  return us === undefined ? undefined : us / 1e6;
}

/**
 * Removes a group once its workload has ended: a process left in it (one that slipped out of the
 * workload's process group) is killed first; a just-ended process may hold the group a moment.
 */
export async function removeGroup(dir: string): Promise<void> {
  for (const pid of readOr(join(dir, 'cgroup.procs')).split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') throw e;
      await new Promise((r) => setTimeout(r, 40));
    }
  }
}
