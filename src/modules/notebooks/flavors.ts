// Notebook flavors of this host: the CPU slices of the local pool (src/runtime/local/cpu-slices.ts).
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hostResources } from '#src/runtime/local/host-resources.ts';
import { cpuSlices, type CpuSlice } from '#src/runtime/local/cpu-slices.ts';
import type { Static } from 'typebox';
import type { NotebookFlavor } from './schemas.ts';

/** A slice, and on the kubernetes executor the architecture of the nodes it is cut from (x86 or arm). */
export type NotebookFlavorSpec = CpuSlice & { arch?: string };

export function notebookFlavors(pool: LocalPool): NotebookFlavorSpec[] {
  return cpuSlices(pool.capacity);
}

/**
 * The flavor as answered; sold_out when it is larger than the whole pool. Whether it fits beside
 * what runs now is told by create and start (ModelArts.6329), so this answer does not move with
 * other accounts' work.
 */
export function flavorResponse(f: NotebookFlavorSpec, pool: LocalPool): Static<typeof NotebookFlavor> {
  const free = pool.schedulable;
  const gb = Math.max(1, Math.round(f.amount.memoryMb / 1024));
  return {
    arch: f.arch ?? hostResources().arch,
    billing: { code: f.id, unit_num: 1 },
    category: 'CPU',
    description: `${f.amount.cpu} vCPUs | ${gb} GiB`,
    feature: 'NOTEBOOK',
    free: false,
    id: f.id,
    memory: f.amount.memoryMb,
    name: f.id,
    sold_out: f.amount.cpu > free.cpu + 1e-9 || f.amount.memoryMb > free.memoryMb,
    storages: ['EFS', 'EVS'],
    vcpus: f.amount.cpu,
  };
}
