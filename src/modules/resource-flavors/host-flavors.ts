// The node flavors of this host: the CPU slices of the local pool (src/runtime/local/cpu-slices.ts),
// the same ids and sizes as the training and notebook flavors. A dedicated pool reserves `count` of these slices; a job or notebook flavor runs
// in a slice at least as large. No GPU or NPU flavors: the local executor has none to give.
import { statSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hostResources } from '#src/runtime/local/host-resources.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';
import type { FlavorSource } from './offer.ts';

export { dataDiskGb } from '#src/runtime/local/cpu-slices.ts';

/** The local pool's slices; the one zone is this host, where a slice is normal while it fits in the pool's free capacity. */
export function hostFlavorSource(pool: LocalPool): FlavorSource {
  return {
    offers: async () => {
      const free = pool.free();
      const zone = hostname();
      return {
        arch: hostArch(),
        offers: cpuSlices(pool.capacity).map((s) => ({
          name: s.id,
          amount: s.amount,
          phase: { [zone]: s.amount.cpu <= free.cpu + 1e-9 && s.amount.memoryMb <= free.memoryMb ? 'normal' : 'soldout' },
        })),
      };
    },
  };
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
