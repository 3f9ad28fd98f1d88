// Notebook flavors of this host: CPU slices of 1, 2, 4... cores up to the local pool's, 4 GB of
// memory per core (bounded by the pool's memory). No GPU flavors: the local executor has none to give.
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import { hostResources, type PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { Static } from 'typebox';
import type { NotebookFlavor } from './schemas.ts';

export interface NotebookFlavorSpec {
  id: string;
  amount: PoolAmount;
}

const MB_PER_CORE = 4096;

export function notebookFlavors(pool: LocalPool): NotebookFlavorSpec[] {
  const out: NotebookFlavorSpec[] = [];
  for (let cores = 1; cores <= pool.capacity.cpu; cores *= 2) {
    out.push({ id: `modelarts.vm.cpu.${cores}u`, amount: { cpu: cores, memoryMb: Math.min(cores * MB_PER_CORE, pool.capacity.memoryMb) } });
  }
  return out;
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
    arch: hostResources().arch,
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
