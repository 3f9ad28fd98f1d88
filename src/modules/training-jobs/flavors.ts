// The training flavors this host can run: CPU flavors of 1, 2, 4... cores up to the host's count,
// 4 GB of memory per core (bounded by the host's memory). A job's nodes all run on this host, so a
// flavor's max_num is how many of it the pool holds at once. No GPU flavors: the local executor
// has no GPU to give.
import type { HostResources, PoolAmount } from '#src/runtime/local/host-resources.ts';
import { cpuSlices, dataDiskGb } from '#src/runtime/local/cpu-slices.ts';
import type { FlavorResponse } from './resource-schemas.ts';

export interface TrainingFlavor {
  response: FlavorResponse;
  /** What one node of it takes from the pool. */
  amount: PoolAmount;
}

export function hostFlavors(host: HostResources, dataDir: string): TrainingFlavor[] {
  const disk = dataDiskGb(dataDir);
  const flavors: TrainingFlavor[] = [];
  for (const { id, amount } of cpuSlices({ cpu: host.cpuCores, memoryMb: host.memoryMb })) {
    const { cpu: cores, memoryMb } = amount;
    const maxNum = Math.max(1, Math.floor(host.cpuCores / cores));
    flavors.push({
      amount,
      response: {
        flavor_id: id,
        flavor_name: `Computing CPU(${cores}U) instance`,
        max_num: maxNum,
        flavor_type: 'CPU',
        billing: { code: id, unit_num: 1 },
        flavor_info: {
          max_num: maxNum,
          cpu: { arch: host.arch, core_num: cores },
          memory: { size: Math.max(1, Math.floor(memoryMb / 1024)), unit: 'GB' },
          disk: { size: disk, unit: 'GB' },
        },
      },
    });
  }
  return flavors;
}
