// On the kubernetes executor the deployment flavors a service may ask for are those the cluster's largest schedulable
// node holds, as the training and notebook flavors are cut, and services of no pool are admitted against all the
// schedulable nodes. Without the right to list nodes (a ClusterRole) both stay this host's, and the log says so.
import type { KubeConfig } from '@kubernetes/client-node';
import { largestNode, listNodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import type { LocalPool } from '#src/runtime/local/local-pool.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { ServiceFlavors } from './flavors.ts';

export async function useClusterNodes(flavors: ServiceFlavors, clusterPool: LocalPool, kc: KubeConfig, log: Logger): Promise<void> {
  let nodes;
  try {
    nodes = await listNodeCapacity(kc);
  } catch (err) {
    log.warn({ err }, "the cluster's nodes cannot be listed (a ClusterRole with nodes list is needed): service flavors follow this host");
    return;
  }
  if (nodes.length === 0) return;
  const largest = largestNode(nodes);
  flavors.useNode({ cpu: largest.cpu, memoryMb: largest.memoryMb });
  clusterPool.setNodes(nodes.map((n) => ({ name: n.name, capacity: { cpu: n.cpu, memoryMb: n.memoryMb } })));
}
