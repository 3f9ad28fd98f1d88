// What the cluster's nodes offer a training job: each node's allocatable CPU and memory, read from the Node objects
// (a pool's nodes when a pool label is given). Listing nodes needs a ClusterRole (nodes are not namespaced), which the
// executor's Role cannot grant: without it the caller falls back to this host's size and says so.
import type { KubeConfig, V1Node } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';

export interface NodeCapacity {
  name: string;
  cpu: number;
  memoryMb: number;
  /** x86 or arm, as ModelArts flavors name it. */
  arch: string;
}

/** A CPU quantity ("4", "3500m") in cores. */
export function cpuCores(q: string | undefined): number {
  if (!q) return 0;
  if (q.endsWith('m')) return Number(q.slice(0, -1)) / 1000;
  const n = Number(q);
  return Number.isFinite(n) ? n : 0;
}

const UNITS: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A memory quantity ("8Gi", "16384Mi", "8000000000") in MB (MiB). */
export function memoryMb(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)([KMGT]i?|k)?$/.exec(q ?? '');
  if (!m) return 0;
  return Math.floor((Number(m[1]) * (m[2] ? (UNITS[m[2]] ?? 1) : 1)) / 1024 ** 2);
}

export function nodeCapacity(node: V1Node): NodeCapacity {
  const a = node.status?.allocatable ?? node.status?.capacity ?? {};
  const arch = node.status?.nodeInfo?.architecture ?? node.metadata?.labels?.['kubernetes.io/arch'] ?? 'amd64';
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
