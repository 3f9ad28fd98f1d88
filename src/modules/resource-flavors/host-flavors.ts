// The node flavors of this host: slices of 1, 2, 4... cores up to the local pool's, 4 GB of memory
// per core (bounded by the pool's memory): the same ids and sizes as the training flavors
// (training-jobs/flavors.ts) and the notebook flavors (notebooks/flavors.ts), which slice the same
// pool the same way. A dedicated pool reserves `count` of these slices; a job or notebook flavor runs
// in a slice at least as large. No GPU or NPU flavors: the local executor has none to give.
import { statSync, readFileSync, statfsSync } from 'node:fs';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hostResources, type PoolAmount } from '#src/runtime/local/host-resources.ts';

export interface HostFlavor {
  name: string;
  amount: PoolAmount;
}

const MB_PER_CORE = 4096;
const DISK_GB = 50;

export function hostFlavors(pool: LocalPool): HostFlavor[] {
  const out: HostFlavor[] = [];
  for (let cores = 1; cores <= pool.capacity.cpu; cores *= 2) {
    out.push({ name: `modelarts.vm.cpu.${cores}u`, amount: { cpu: cores, memoryMb: Math.min(cores * MB_PER_CORE, pool.capacity.memoryMb) } });
  }
  return out;
}

/** The data disk a slice gets: the free space under the data directory, at most 50 GiB (as the training flavors). */
export function dataDiskGb(dataDir: string): number {
  try {
    const s = statfsSync(dataDir);
    return Math.max(1, Math.min(DISK_GB, Math.floor((s.bavail * s.bsize) / 1024 ** 3)));
  } catch {
    return DISK_GB;
  }
}

/** SATA when the block device under the data directory spins, else SSD (also when the device cannot be told). */
export function dataDiskType(dataDir: string): 'SSD' | 'SATA' {
  try {
    const dev = statSync(dataDir).dev;
    const major = Math.floor(dev / 256) & 0xfff;
    const minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
    for (const path of [`/sys/dev/block/${major}:${minor}/queue/rotational`, `/sys/dev/block/${major}:${minor}/../queue/rotational`]) {
      try {
        return readFileSync(path, 'utf8').trim() === '1' ? 'SATA' : 'SSD';
      } catch {
        // a partition has its queue on the parent device
      }
    }
  } catch {
    // no such directory yet
  }
  return 'SSD';
}

export const hostArch = (): 'x86' | 'arm64' => (hostResources().arch === 'arm' ? 'arm64' : 'x86');
