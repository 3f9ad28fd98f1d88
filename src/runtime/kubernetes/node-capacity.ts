// What the cluster's nodes offer a training job: each node's allocatable CPU and memory, read from the Node objects
// (a pool's nodes when a pool label is given). Listing nodes needs a ClusterRole (nodes are not namespaced), which the
// executor's Role cannot grant: without it the caller falls back to this host's size and says so.
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { cpuCoresOf, memoryBytesOf } from './quantity.ts';

export interface NodeCapacity {
  name: string;
  cpu: number;
  memoryMb: number;
  /** x86 or arm, as ModelArts flavors name it. */
  arch: string;
}

/** A CPU quantity ("4", "3500m", "1500000000n") in cores. */
export const cpuCores = cpuCoresOf;

/** A memory quantity ("8Gi", "16384Mi", "8000000000") in MB (MiB). */
export function memoryMb(q: string | undefined): number {
  return Math.floor(memoryBytesOf(q) / 1024 ** 2);
}

export function nodeCapacity(node: V1Node): NodeCapacity {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  const arch = node.status?.nodeInfo?.architecture || node.metadata?.labels?.['kubernetes.io/arch'] || 'amd64';
  return { name: node.metadata?.name ?? '', cpu: cpuCores(a.cpu), memoryMb: memoryMb(a.memory), arch: arch === 'arm64' ? 'arm' : 'x86' };
}

/** The node with the most CPU (then memory), which the flavors of every family are cut from; `nodes` is not empty. */
export function largestNode<N extends Pick<NodeCapacity, 'cpu' | 'memoryMb'>>(nodes: readonly N[]): N {
  return nodes.reduce((a, b) => (b.cpu > a.cpu || (b.cpu === a.cpu && b.memoryMb > a.memoryMb) ? b : a));
}

/** The schedulable nodes' capacity. */
export async function listNodeCapacity(kc: KubeConfig): Promise<NodeCapacity[]> {
  const list = await kc.makeApiClient(k8s().CoreV1Api).listNode();
  return list.items.filter((n) => !n.spec?.unschedulable).map(nodeCapacity);
}
