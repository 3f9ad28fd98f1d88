import type { Static } from 'typebox';
import type { ClusterPoolNodes } from './cluster-nodes.ts';
import { poolErrors } from './errors.ts';
import { heldNodes, parseNodes } from './nodes.ts';
import type { BatchDeletePoolNodesRequest, ListPoolNodesQuery, PoolNodeList } from './schemas.ts';
import type { PoolService } from './service.ts';
import { nodeView } from './views.ts';

/**
 * A pool's nodes (#140, #141) with what its workloads leave free on each: the slices of this host it reserves, or on the
 * kubernetes executor the cluster's nodes it holds, as their Node objects report them.
 */
export class PoolNodeService {
  constructor(
    private readonly pools: PoolService,
    private readonly cluster?: ClusterPoolNodes,
  ) {}

  async list(projectId: string, name: string, query: Static<typeof ListPoolNodesQuery>): Promise<Static<typeof PoolNodeList>> {
    const row = await this.pools.row(projectId, name);
    const usage = new Map(this.pools.usage(row.id).map((u) => [u.name, u]));
    const all = heldNodes(parseNodes(row.nodes));
    const start = query.continue !== undefined ? Number(query.continue) : 0;
    const end = query.limit !== undefined ? start + query.limit : all.length;
    const remaining = all.length - Math.min(end, all.length);
    return {
      apiVersion: 'v2',
      kind: 'NodeList',
      metadata: remaining > 0 ? { continue: String(end), remainingItemCount: remaining } : {},
      items: all
        .slice(start, end)
        .map((n) => (this.cluster ? this.cluster.view(row.id, n, usage.get(n.name)) : nodeView(n, usage.get(n.name), row.phase === 'Abnormal'))),
    };
  }

  /** Releases the named nodes: each must be a node of the pool and idle, and one node at least must stay. */
  async batchDelete(projectId: string, name: string, body: Static<typeof BatchDeletePoolNodesRequest>): Promise<Record<string, never>> {
    const row = await this.pools.row(projectId, name);
    const nodes = heldNodes(parseNodes(row.nodes));
    const known = new Set(nodes.map((n) => n.name));
    const unknown = body.deleteNodeNames.filter((n) => !known.has(n));
    if (unknown.length > 0)
      throw poolErrors.badRequest(`deleteNodeNames: ${unknown.join(', ')} ${unknown.length > 1 ? 'are not nodes' : 'is not a node'} of pool ${row.id}`);
    const dropped = new Set(body.deleteNodeNames);
    const kept = nodes.filter((n) => !dropped.has(n.name));
    if (kept.length === 0) throw poolErrors.badRequest(`deleteNodeNames: a pool keeps one node at least; delete pool ${row.id} instead`);
    if (row.phase !== 'Running') throw poolErrors.badRequest(`pool ${row.id} is ${row.phase}; only a Running pool can release nodes`);
    await this.pools.resize(row, kept);
    return {};
  }
}
