// The node flavors of this host: the CPU slices of the local pool (src/runtime/local/cpu-slices.ts),
// the same ids and sizes as the training and notebook flavors. A dedicated pool reserves `count` of these slices; a job or notebook flavor runs
// in a slice at least as large. No GPU or NPU flavors: the local executor has none to give.
import { statSync, readFileSync } from 'node:fs';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hostResources, type PoolAmount } from '#src/runtime/local/host-resources.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';

export { dataDiskGb } from '#src/runtime/local/cpu-slices.ts';

export interface HostFlavor {
  name: string;
  amount: PoolAmount;
}

export function hostFlavors(pool: LocalPool): HostFlavor[] {
  return cpuSlices(pool.capacity).map((s) => ({ name: s.id, amount: s.amount }));
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
