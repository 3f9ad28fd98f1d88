// The CPU slices this host is cut into: 1, 2, 4... cores up to a capacity, 4 GB of memory per core
// (bounded by the capacity's memory), named modelarts.vm.cpu.<cores>u. Training, notebook and
// resource flavors are all these slices, so their ids and sizes agree. No GPU slices: the local
// executor has no GPU to give.
import { statfsSync } from 'node:fs';
import type { PoolAmount } from './host-resources.ts';

export interface CpuSlice {
  id: string;
  amount: PoolAmount;
}

const MB_PER_CORE = 4096;
const DISK_GB = 50;

export function cpuSlices(capacity: PoolAmount): CpuSlice[] {
  const out: CpuSlice[] = [];
  for (let cores = 1; cores <= capacity.cpu; cores *= 2) {
    out.push({ id: `modelarts.vm.cpu.${cores}u`, amount: { cpu: cores, memoryMb: Math.min(cores * MB_PER_CORE, capacity.memoryMb) } });
  }
  return out;
}

/** The data disk a slice gets: the free space under the data directory, at most 50 GiB. */
export function dataDiskGb(dataDir: string): number {
  try {
    const s = statfsSync(dataDir);
    return Math.max(1, Math.min(DISK_GB, Math.floor((s.bavail * s.bsize) / 1024 ** 3)));
  } catch {
    return DISK_GB;
  }
}
