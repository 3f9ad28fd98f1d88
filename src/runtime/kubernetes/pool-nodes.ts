// The cluster's nodes as resource pools see them: an informer keeps every Node in memory; a pool claims free nodes by
// labelling them `atelier.io/pool=<pool>` and gives them back by removing the label. Each label change is a JSON patch
// that first tests what was seen (the node's resourceVersion when claiming, the pool's own label when releasing), so two
// replicas claiming at once never share a node and a release never takes a node another pool holds.
import type { CoreV1Api, Informer, KubeConfig, ObjectCache, V1Node } from '@kubernetes/client-node';
import { k8s } from './k8s.ts';
import { isCode } from './api-calls.ts';
import { nodeCapacity, type NodeCapacity } from './node-capacity.ts';
import { POOL_LABEL } from './pool-placement.ts';

/** The label key as a JSON pointer segment ("/" is written "~1"). */
const LABEL_PATH = `/metadata/labels/${POOL_LABEL.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/** What a pool asks for: `count` nodes each holding at least `cpu` cores and `memoryMb` of allocatable memory. */
export interface NodeWant {
  flavor: string;
  cpu: number;
  memoryMb: number;
  count: number;
}

export interface ClaimedNode extends NodeCapacity {
  flavor: string;
}

/** The nodes a claim got, and what it could not get (empty when it got everything). */
export interface ClaimResult {
  claimed: ClaimedNode[];
  missing: { flavor: string; count: number }[];
}

export const isReady = (n: V1Node): boolean => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export const poolOfNode = (n: V1Node): string | undefined => n.metadata?.labels?.[POOL_LABEL];

export class ClusterNodes {
  private readonly core: CoreV1Api;
  private readonly informer: Informer<V1Node> & ObjectCache<V1Node>;
  private stopped = false;
  private started: Promise<void> | undefined;

  constructor(kc: KubeConfig) {
    this.core = kc.makeApiClient(k8s().CoreV1Api);
    this.informer = k8s().makeInformer(kc, '/api/v1/nodes', () => this.core.listNode());
    this.informer.on('error', () => {
      if (this.stopped) return;
      setTimeout(() => void (this.stopped ? undefined : this.informer.start().catch(() => undefined)), 1000);
    });
  }

  /** Starts the informer (once); resolves after its first list. */
  start(): Promise<void> {
    this.started ??= this.informer.start();
    return this.started;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.started) await this.informer.stop();
  }

  all(): readonly V1Node[] {
    return this.informer.list();
  }

  get(name: string): V1Node | undefined {
    return this.informer.get(name);
  }

  /** The nodes that carry the pool's label. */
  ofPool(pool: string): V1Node[] {
    return this.all().filter((n) => poolOfNode(n) === pool);
  }

  /** Ready, schedulable nodes that no pool holds. */
  free(): V1Node[] {
    return this.all().filter((n) => poolOfNode(n) === undefined && !n.spec?.unschedulable && isReady(n));
  }

  /**
   * Labels free nodes for the pool, for each want the smallest nodes that fit it first (the large ones stay for larger
   * wants). A node another claimant took meanwhile is skipped. Gets what it can: the caller decides what a shortfall means.
   */
  async claim(pool: string, wants: readonly NodeWant[]): Promise<ClaimResult> {
    await this.start();
    const taken = new Set<string>();
    const claimed: ClaimedNode[] = [];
    const missing: ClaimResult['missing'] = [];
    for (const want of wants) {
      let got = 0;
      const candidates = this.free()
        .map((node) => ({ node, cap: nodeCapacity(node) }))
        .filter(({ cap }) => !taken.has(cap.name) && cap.cpu >= want.cpu && cap.memoryMb >= want.memoryMb)
        .sort((a, b) => a.cap.cpu - b.cap.cpu || a.cap.memoryMb - b.cap.memoryMb || a.cap.name.localeCompare(b.cap.name));
      for (const { node, cap } of candidates) {
        if (got === want.count) break;
        taken.add(cap.name);
        if (await this.label(node, pool)) {
          claimed.push({ ...cap, flavor: want.flavor });
          got++;
        }
      }
      if (got < want.count) missing.push({ flavor: want.flavor, count: want.count - got });
    }
    return { claimed, missing };
  }

  /** Removes the pool's label from the named nodes; a node gone, or held by another pool, is left alone. */
  async release(pool: string, names: readonly string[]): Promise<void> {
    for (const name of names) {
      const body = [
        { op: 'test', path: LABEL_PATH, value: pool },
        { op: 'remove', path: LABEL_PATH },
      ];
      try {
        await this.core.patchNode({ name, body });
      } catch (e) {
        // 404: the node left the cluster; 422: its label is not (any more) this pool's
        if (!isCode(e, 404) && !isCode(e, 422)) throw e;
      }
    }
  }

  /** Labels one node if it is still as seen (same resourceVersion, so still free); false when it changed. */
  private async label(node: V1Node, pool: string): Promise<boolean> {
    const hasLabels = node.metadata?.labels !== undefined;
    const body = [
      { op: 'test', path: '/metadata/resourceVersion', value: node.metadata?.resourceVersion },
      hasLabels ? { op: 'add', path: LABEL_PATH, value: pool } : { op: 'add', path: '/metadata/labels', value: { [POOL_LABEL]: pool } },
    ];
    try {
      await this.core.patchNode({ name: node.metadata?.name ?? '', body });
      return true;
    } catch (e) {
      if (isCode(e, 404) || isCode(e, 409) || isCode(e, 422)) return false;
      throw e;
    }
  }
}
