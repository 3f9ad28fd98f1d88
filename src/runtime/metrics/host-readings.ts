// Readings of this host from /proc and statfs: cumulative CPU time, memory, and the data disk.
import { readFileSync, statfsSync } from 'node:fs';

/** Jiffies since boot: all of them and the busy ones (neither idle nor waiting for I/O). */
export interface CpuTimes {
  total: number;
  busy: number;
}

export function readCpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal (guest times are already in user and nice)
    const n = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = n.reduce((s, v) => s + (Number.isFinite(v) ? v : 0), 0);
    return { total, busy: total - (n[3] ?? 0) - (n[4] ?? 0) };
  } catch {
    return undefined;
  }
}

/** Percent of the CPU time between two readings that was busy. */
export function cpuPercent(before: CpuTimes | undefined, after: CpuTimes | undefined): number {
  if (!before || !after || after.total <= before.total) return 0;
  return Math.max(0, Math.min(100, ((after.busy - before.busy) / (after.total - before.total)) * 100));
}

export interface MemoryReading {
  totalMb: number;
  /** What programs can still get without swapping (MemAvailable). */
  availableMb: number;
}

export function readMemory(): MemoryReading | undefined {
  try {
    const text = readFileSync('/proc/meminfo', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
    const total = kb('MemTotal');
    const available = kb('MemAvailable');
    if (!Number.isFinite(total) || !Number.isFinite(available)) return undefined;
    return { totalMb: total / 1024, availableMb: available / 1024 };
  } catch {
    return undefined;
  }
}

export interface DiskReading {
  capacityMb: number;
  /** Free for an unprivileged user (what df shows as available). */
  availableMb: number;
  /** Used out of what is usable (used + available), as df computes Use%. */
  usedPercent: number;
}

export function readDisk(dir: string): DiskReading | undefined {
  try {
    const s = statfsSync(dir);
    const mb = (blocks: number) => (blocks * s.bsize) / 1024 / 1024;
    const used = s.blocks - s.bfree;
    return { capacityMb: mb(s.blocks), availableMb: mb(s.bavail), usedPercent: used + s.bavail > 0 ? (used / (used + s.bavail)) * 100 : 0 };
  } catch {
    return undefined;
  }
}
