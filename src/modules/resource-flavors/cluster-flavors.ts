// The resource flavors on the kubernetes executor: CPU slices up to the largest schedulable node of the cluster (as the
// training, notebook and pool flavors are cut), read from the Node objects at each request. The zones of the sales
// status are the nodes' topology.kubernetes.io/zone labels (nodes without one count under the kubeconfig's cluster
// name); a slice is normal in a zone while a Ready, schedulable node there that no pool holds has the allocatable for it.
// Listing nodes needs the ClusterRole: without it the answer is this host's, and the log says why.
import type { CoreV1Api, KubeConfig, V1Node } from '@kubernetes/client-node';
import { k8s } from '#src/runtime/kubernetes/k8s.ts';
import { largestNode, nodeCapacity, type NodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import { isReady, poolOfNode } from '#src/runtime/kubernetes/pool-nodes.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';
import type { Logger } from '#src/runtime/logger.ts';
import type { FlavorOffer, FlavorSource, SalesStatus } from './offer.ts';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

interface NodeOffer extends NodeCapacity {
  zone: string;
  /** Ready and held by no pool: a new slice can go there. */
  open: boolean;
}

export class ClusterFlavorSource implements FlavorSource {
  private readonly core: CoreV1Api;
  private readonly clusterName: string;
  private refused = false;

  constructor(
    kc: KubeConfig,
    private readonly fallback: FlavorSource,
    private readonly log: Logger,
  ) {
    this.core = kc.makeApiClient(k8s().CoreV1Api);
    this.clusterName = kc.getCurrentCluster()?.name ?? 'cluster';
  }

  async offers(): Promise<{ arch: 'x86' | 'arm64'; offers: FlavorOffer[] }> {
    let items: V1Node[];
    try {
      items = (await this.core.listNode()).items;
    } catch (err) {
      // Logged once per outage, not at every request.
      if (!this.refused)
        this.log.warn({ err }, "the cluster's nodes cannot be listed (a ClusterRole with nodes list is needed): resource flavors follow this host");
      this.refused = true;
      return this.fallback.offers();
    }
    if (this.refused) this.log.info({}, "the cluster's nodes can be listed again: resource flavors follow the cluster");
    this.refused = false;
    const nodes = items.filter((n) => !n.spec?.unschedulable).map((n) => this.nodeOffer(n));
    if (nodes.length === 0) return { arch: 'x86', offers: [] };
    const largest = largestNode(nodes);
    const zones = [...new Set(nodes.map((n) => n.zone))].sort();
    const offers = cpuSlices({ cpu: Math.floor(largest.cpu), memoryMb: largest.memoryMb }).map((s) => {
      const phase: Record<string, SalesStatus> = {};
      for (const zone of zones) {
        const fits = nodes.some((n) => n.zone === zone && n.open && n.cpu + 1e-9 >= s.amount.cpu && n.memoryMb >= s.amount.memoryMb);
        phase[zone] = fits ? 'normal' : 'soldout';
      }
      return { name: s.id, amount: s.amount, phase };
    });
    return { arch: largest.arch === 'arm' ? 'arm64' : 'x86', offers };
  }

  private nodeOffer(node: V1Node): NodeOffer {
    return {
      ...nodeCapacity(node),
      zone: node.metadata?.labels?.[ZONE_LABEL] || this.clusterName,
      open: isReady(node) && poolOfNode(node) === undefined,
    };
  }
}
