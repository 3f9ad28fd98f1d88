// Pools on the kubernetes executor: a pool's nodes are whole nodes of the cluster, labelled for it, and its quota a
// ResourceQuota over its PriorityClass (src/runtime/kubernetes/pool-quota.ts). The pools table keeps each node it holds
// with the node's allocatable CPU and memory, and each node it still waits for as a pending entry of the flavor asked.
import type { Static } from 'typebox';
import type { V1Node } from '@kubernetes/client-node';
import { largestNode, nodeCapacity } from '#src/runtime/kubernetes/node-capacity.ts';
import { isReady, poolOfNode, type ClusterNodes, type NodeWant } from '#src/runtime/kubernetes/pool-nodes.ts';
import type { PoolQuota } from '#src/runtime/kubernetes/pool-quota.ts';
import { cpuSlices } from '#src/runtime/local/cpu-slices.ts';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { NodeUsage } from '#src/runtime/local/local-pool.ts';
import { heldNodes, totalOf, type StoredNode } from './nodes.ts';
import type { PoolNodeView } from './schemas.ts';
import { utc } from './views.ts';

const cpu = (cores: number): string => `${Math.max(0, Math.round(cores * 1000))}m`;
const memory = (mb: number): string => `${Math.max(0, Math.round(mb))}Mi`;

const internalIp = (node: V1Node | undefined): string =>
  node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? node?.status?.addresses?.[0]?.address ?? '';

export class ClusterPoolNodes {
  constructor(
    readonly nodes: ClusterNodes,
    private readonly quota: PoolQuota,
  ) {}

  start(): Promise<void> {
    return this.nodes.start();
  }

  /** The node flavors a pool may ask for: the CPU slices up to the largest ready node of the cluster. */
  flavors(): Map<string, PoolAmount> {
    const ready = this.nodes.all().filter(isReady).map(nodeCapacity);
    if (ready.length === 0) return new Map();
    const largest = largestNode(ready);
    return new Map(cpuSlices({ cpu: Math.floor(largest.cpu), memoryMb: largest.memoryMb }).map((s) => [s.id, s.amount]));
  }

  /**
   * Gives the pending entries real nodes: first nodes that already carry the pool's label and are not recorded (a claim
   * a restart interrupted), then free nodes that fit. Entries no node is found for stay pending.
   */
  async fill(pool: string, planned: readonly StoredNode[], now: number): Promise<StoredNode[]> {
    const out = planned.map((n) => ({ ...n }));
    const recorded = new Set(heldNodes(out).map((n) => n.name));
    const fits = (n: StoredNode, node: V1Node) => {
      const c = nodeCapacity(node);
      return c.cpu >= n.cpu && c.memoryMb >= n.memoryMb;
    };
    for (const node of this.nodes.ofPool(pool)) {
      const name = node.metadata?.name ?? '';
      if (recorded.has(name)) continue;
      const slot = out.find((n) => n.pending && fits(n, node));
      if (!slot) continue;
      Object.assign(slot, this.held(node, slot.flavor, now));
      recorded.add(name);
    }
    const wants = new Map<string, NodeWant>();
    for (const n of out.filter((e) => e.pending)) {
      const w = wants.get(n.flavor) ?? { flavor: n.flavor, cpu: n.cpu, memoryMb: n.memoryMb, count: 0 };
      w.count++;
      wants.set(n.flavor, w);
    }
    if (wants.size === 0) return out;
    const { claimed } = await this.nodes.claim(pool, [...wants.values()]);
    for (const c of claimed) {
      const slot = out.find((n) => n.pending && n.flavor === c.flavor);
      const node = this.nodes.get(c.name);
      if (slot) Object.assign(slot, node ? this.held(node, c.flavor, now) : { name: c.name, cpu: c.cpu, memoryMb: c.memoryMb, createdAt: now, pending: false });
    }
    return out.map(({ pending, ...n }) => (pending ? { ...n, pending } : n));
  }

  /** "2 x modelarts.vm.cpu.4u" of the entries still pending; empty when none. */
  missingText(nodes: readonly StoredNode[]): string {
    const counts = new Map<string, number>();
    for (const n of nodes.filter((e) => e.pending)) counts.set(n.flavor, (counts.get(n.flavor) ?? 0) + 1);
    return [...counts].map(([flavor, count]) => `${count} x ${flavor}`).join(', ');
  }

  /** Sets the pool's quota to what its held nodes hold. */
  applyQuota(pool: string, nodes: readonly StoredNode[]): Promise<void> {
    return this.quota.apply(pool, totalOf(nodes));
  }

  /** Takes the pool's label off the named nodes. */
  release(pool: string, names: readonly string[]): Promise<void> {
    return this.nodes.release(pool, names);
  }

  /** Gives back every node of the pool (recorded or only labelled) and removes its quota. */
  async removeAll(pool: string, nodes: readonly StoredNode[]): Promise<void> {
    const names = new Set([...heldNodes(nodes).map((n) => n.name), ...this.nodes.ofPool(pool).map((n) => n.metadata?.name ?? '')]);
    await this.nodes.release(pool, [...names].filter(Boolean));
    await this.quota.remove(pool);
  }

  /** What is wrong with the nodes a pool holds: gone from the cluster, its label taken off, or not Ready. */
  problems(pool: string, nodes: readonly StoredNode[]): string | undefined {
    const wrong = heldNodes(nodes).flatMap((n) => {
      const node = this.nodes.get(n.name);
      if (!node) return [`${n.name} left the cluster`];
      if (poolOfNode(node) !== pool) return [`${n.name} no longer carries the label of the pool`];
      if (!isReady(node)) return [`${n.name} is not Ready`];
      return [];
    });
    return wrong.length ? wrong.join('; ') : undefined;
  }

  /** A node of the pool as ListNodes shows it: the Node's capacity, and its allocatable less what the pool's work holds. */
  view(pool: string, n: StoredNode, usage: NodeUsage | undefined): Static<typeof PoolNodeView> {
    const node = this.nodes.get(n.name);
    const capacity = node?.status?.capacity ?? {};
    const allocatable = node ? nodeCapacity(node) : { cpu: 0, memoryMb: 0 };
    const used = usage?.used ?? { cpu: 0, memoryMb: 0 };
    const ok = !!node && poolOfNode(node) === pool && isReady(node);
    return {
      apiVersion: 'v2',
      kind: 'Node',
      metadata: { name: n.name, creationTimestamp: utc(n.createdAt) },
      spec: { flavor: n.flavor },
      status: {
        phase: ok ? 'Available' : 'Abnormal',
        privateIp: internalIp(node),
        resources: { cpu: capacity.cpu ?? cpu(allocatable.cpu), memory: capacity.memory ?? memory(allocatable.memoryMb) },
        availableResources: { cpu: cpu(allocatable.cpu - used.cpu), memory: memory(allocatable.memoryMb - used.memoryMb) },
      },
    };
  }

  private held(node: V1Node, flavor: string, now: number): StoredNode {
    const c = nodeCapacity(node);
    return { name: c.name, flavor, cpu: c.cpu, memoryMb: c.memoryMb, createdAt: now, pending: false };
  }
}
