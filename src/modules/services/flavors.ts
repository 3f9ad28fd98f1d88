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

/**
 * The flavors a service may ask for: those this host holds, or on the kubernetes executor those the cluster's largest
 * schedulable node holds (set once the nodes are listed, see module.ts).
 */
export class ServiceFlavors {
  private largest: PoolAmount | undefined;

  /** Sizes the flavors by the cluster's largest node instead of this host. */
  useNode(largest: PoolAmount): void {
    this.largest = { ...largest };
  }

  /** Whether the flavors follow the cluster's nodes (they were listed). */
  get onCluster(): boolean {
    return this.largest !== undefined;
  }

  servable(): Flavor[] {
    const l = this.largest;
    return l ? FLAVORS.filter((f) => f.cpu <= l.cpu && f.memoryMb <= l.memoryMb) : servableFlavors();
  }

  /** As amountOf, against these flavors; the message says where they come from. */
  amountOf(specification: string, custom: CustomSpec | undefined): PoolAmount | string {
    if (specification === 'custom' || !this.largest) return amountOf(specification, custom);
    const f = this.servable().find((x) => x.specification === specification);
    if (!f) return `flavor ${specification} is not offered by the cluster's nodes (see GET /v1/{project_id}/services/specifications)`;
    return { cpu: f.cpu, memoryMb: f.memoryMb };
  }
}

/** The capacity one instance of a config already accepted takes: any known flavor, wherever it was accepted. */
export function flavorAmount(specification: string, custom: CustomSpec | undefined): PoolAmount | string {
  const f = FLAVORS.find((x) => x.specification === specification);
  return f ? { cpu: f.cpu, memoryMb: f.memoryMb } : amountOf(specification, custom);
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
