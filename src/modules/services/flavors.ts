// Deployment flavors and the local pool that instances take their capacity from.
import { hostResources, type PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { CustomSpec } from './schemas.ts';

export interface Flavor {
  specification: string;
  cpu: number;
  memoryMb: number;
  gpus: number;
  free: boolean;
  display: string;
}

/** The ModelArts CPU flavors; GPU and Ascend flavors are not offered (the local executor has none). */
export const FLAVORS: Flavor[] = [
  { specification: 'modelarts.vm.cpu.free', cpu: 1, memoryMb: 4096, gpus: 0, free: true, display: 'CPU: 1 vCPU | 4 GiB (free)' },
  { specification: 'modelarts.vm.cpu.2u', cpu: 2, memoryMb: 8192, gpus: 0, free: false, display: 'CPU: 2 vCPUs | 8 GiB' },
  { specification: 'modelarts.vm.cpu.4u', cpu: 4, memoryMb: 16384, gpus: 0, free: false, display: 'CPU: 4 vCPUs | 16 GiB' },
  { specification: 'modelarts.vm.cpu.8u', cpu: 8, memoryMb: 32768, gpus: 0, free: false, display: 'CPU: 8 vCPUs | 32 GiB' },
];

export const LOCAL_CLUSTER_ID = 'local';

/** The flavors this host can hold at least one instance of. */
export function servableFlavors(): Flavor[] {
  const host = hostResources();
  return FLAVORS.filter((f) => f.cpu <= host.cpuCores && f.memoryMb <= host.memoryMb);
}

/** The capacity one instance takes, or a reason the flavor cannot be used here. */
export function amountOf(specification: string, custom: CustomSpec | undefined): PoolAmount | string {
  if (specification === 'custom') {
    if (!custom) return 'custom_spec is required when specification is custom';
    if ((custom.gpu_p4 ?? 0) > 0 || (custom.ascend_a310 ?? 0) > 0) return 'this host has no GPU or Ascend devices';
    return { cpu: custom.cpu, memoryMb: custom.memory };
  }
  const f = servableFlavors().find((x) => x.specification === specification);
  if (!f) return `flavor ${specification} is not offered by this host (see GET /v1/{project_id}/services/specifications)`;
  return { cpu: f.cpu, memoryMb: f.memoryMb };
}
