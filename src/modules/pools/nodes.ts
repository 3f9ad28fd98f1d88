// A pool's nodes: each a slice of this host of one flavor, named after the host, the pool and its number.
import { hostname } from 'node:os';
import type { PoolAmount } from '#src/runtime/local/host-resources.ts';
import type { NodeUsage, PoolNode } from '#src/runtime/local/local-pool.ts';

/** A node as the pools table keeps it. */
export interface StoredNode {
  name: string;
  flavor: string;
  cpu: number;
  memoryMb: number;
  createdAt: number;
  /** On the cluster: a node the pool asked for and has not got yet (no free node of the flavor). */
  pending?: boolean;
}

/** Slices of one flavor a request asks for. */
export interface Wanted {
  flavor: string;
  amount: PoolAmount;
  count: number;
}

export const parseNodes = (json: string): StoredNode[] => JSON.parse(json) as StoredNode[];

/** The nodes a pool holds now (not those it still waits for). */
export const heldNodes = (nodes: readonly StoredNode[]): StoredNode[] => nodes.filter((n) => !n.pending);

export const poolNodes = (nodes: readonly StoredNode[]): PoolNode[] =>
  heldNodes(nodes).map((n) => ({ name: n.name, capacity: { cpu: n.cpu, memoryMb: n.memoryMb } }));

export const totalOf = (nodes: readonly StoredNode[]): PoolAmount =>
  heldNodes(nodes).reduce((s, n) => ({ cpu: s.cpu + n.cpu, memoryMb: s.memoryMb + n.memoryMb }), { cpu: 0, memoryMb: 0 });

const numberOf = (name: string): number => Number(name.slice(name.lastIndexOf('-') + 1)) || 0;

/** "2 x modelarts.vm.cpu.4u, 1 x ..." of the nodes, or "no slices". */
export const countText = (nodes: readonly StoredNode[]): string =>
  countsOf(nodes)
    .map((c) => `${c.count} x ${c.flavor}`)
    .join(', ') || 'no slices';

/** Node counts by flavor, in the order the flavors first appear. */
export function countsOf(nodes: readonly StoredNode[]): { flavor: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.flavor, (counts.get(n.flavor) ?? 0) + 1);
  return [...counts].map(([flavor, count]) => ({ flavor, count }));
}

/**
 * The nodes a pool has once it has `wanted`: of each flavor it keeps what it has (busy nodes first,
 * then the oldest), drops the rest and adds new numbered ones.
 */
export function planNodes(
  poolId: string,
  existing: readonly StoredNode[],
  wanted: readonly Wanted[],
  now: number,
  usage: readonly NodeUsage[] = [],
): StoredNode[] {
  const busy = new Set(usage.filter((u) => u.holders.length > 0).map((u) => u.name));
  let next = existing.reduce((m, n) => Math.max(m, numberOf(n.name)), 0) + 1;
  const prefix = `${hostname()}-${poolId.replace(/^pool-/, '').slice(0, 8)}`;
  const out: StoredNode[] = [];
  for (const w of wanted) {
    const mine = existing
      .filter((n) => n.flavor === w.flavor)
      .sort((a, b) => Number(busy.has(b.name)) - Number(busy.has(a.name)) || numberOf(a.name) - numberOf(b.name));
    out.push(...mine.slice(0, w.count));
    for (let i = mine.length; i < w.count; i++) {
      out.push({ name: `${prefix}-${next++}`, flavor: w.flavor, cpu: w.amount.cpu, memoryMb: w.amount.memoryMb, createdAt: now });
    }
  }
  return out.sort((a, b) => numberOf(a.name) - numberOf(b.name));
}
