import type { Static } from 'typebox';
import { hostIp } from '#src/runtime/local/host-resources.ts';
import type { NodeUsage } from '#src/runtime/local/local-pool.ts';
import { countsOf, parseNodes, type StoredNode } from './nodes.ts';
import { labelKeys, type Pool, type PoolEventView, type PoolNodeView, type PoolScopeValue } from './schemas.ts';
import type { PoolEventRow, PoolPhaseValue, PoolRow } from './tables.ts';

export const utc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

type Scope = Static<typeof PoolScopeValue>;

export const scopeOf = (row: PoolRow): Scope[] => JSON.parse(row.scope) as Scope[];

const STATE_OF_PHASE: Record<PoolPhaseValue, 'available' | 'creating' | 'deleting' | 'abnormal'> = {
  Running: 'available',
  Creating: 'creating',
  Deleting: 'deleting',
  Abnormal: 'abnormal',
};

export function poolLabels(row: PoolRow): Record<string, string> {
  return { [labelKeys.name]: row.display_name, [labelKeys.workspace]: row.workspace_id ?? '0', [labelKeys.resourceId]: row.id };
}

/** A pool row in the spec's shape: its nodes are all in the state its phase says. */
export function poolView(row: PoolRow): Static<typeof Pool> {
  const counts = countsOf(parseNodes(row.nodes));
  const scope = scopeOf(row);
  return {
    apiVersion: 'v2',
    kind: 'Pool',
    metadata: {
      name: row.id,
      creationTimestamp: utc(row.created_at),
      labels: {
        [labelKeys.name]: row.display_name,
        [labelKeys.workspace]: row.workspace_id ?? '0',
        [labelKeys.resourceId]: row.id,
      },
      annotations: { ...(row.description !== null ? { [labelKeys.description]: row.description } : {}), [labelKeys.billing]: '0' },
    },
    spec: {
      type: 'Dedicate',
      scope,
      resources: counts,
      network: { name: row.network_name },
      ...(row.masters !== null ? { masters: JSON.parse(row.masters) as Static<typeof Pool>['spec']['masters'] } : {}),
      ...(row.driver !== null ? { driver: JSON.parse(row.driver) as Static<typeof Pool>['spec']['driver'] } : {}),
    },
    status: {
      phase: row.phase,
      ...(row.message !== null ? { message: row.message } : {}),
      root: row.id,
      resources: counts.length > 0 ? { [STATE_OF_PHASE[row.phase]]: counts } : {},
      scope: scope.map((s) => ({ scopeType: s, state: 'Enabled' as const })),
    },
  };
}

const cpu = (cores: number): string => `${Math.max(0, Math.round(cores * 1000))}m`;
const memory = (mb: number): string => `${Math.max(0, Math.round(mb))}Mi`;

/** A node of a pool with what its placements leave free (`usage` of the pool's LocalPool). */
export function nodeView(node: StoredNode, usage: NodeUsage | undefined, abnormal: boolean): Static<typeof PoolNodeView> {
  const used = usage?.used ?? { cpu: 0, memoryMb: 0 };
  return {
    apiVersion: 'v2',
    kind: 'Node',
    metadata: { name: node.name, creationTimestamp: utc(node.createdAt) },
    spec: { flavor: node.flavor },
    status: {
      phase: abnormal ? 'Abnormal' : 'Available',
      privateIp: hostIp(),
      resources: { cpu: cpu(node.cpu), memory: memory(node.memoryMb) },
      availableResources: { cpu: cpu(node.cpu - used.cpu), memory: memory(node.memoryMb - used.memoryMb) },
    },
  };
}

export function eventView(row: PoolEventRow): Static<typeof PoolEventView> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    type: row.type,
    firstTimestamp: utc(row.first_at),
    lastTimestamp: utc(row.last_at),
    count: row.count,
    reason: row.reason,
    message: row.message,
  };
}
