import type { Static } from 'typebox';
import { labelKeys, type Network } from './schemas.ts';
import type { NetworkRow } from './tables.ts';

const utc = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function networkLabels(row: NetworkRow): Record<string, string | undefined> {
  return { [labelKeys.name]: row.display_name, ...(row.workspace_id !== null ? { [labelKeys.workspace]: row.workspace_id } : {}) };
}

/** A network row in the spec's shape; `deletedAt` only in the answer to its delete. */
export function networkView(row: NetworkRow, deletedAt?: number): Static<typeof Network> {
  return {
    apiVersion: 'v1',
    kind: 'Network',
    metadata: {
      name: row.id,
      creationTimestamp: utc(row.created_at),
      ...(deletedAt !== undefined ? { deletionTimestamp: utc(deletedAt) } : {}),
      labels: { [labelKeys.name]: row.display_name, ...(row.workspace_id !== null ? { [labelKeys.workspace]: row.workspace_id } : {}) },
      annotations: row.description !== null ? { [labelKeys.description]: row.description } : {},
    },
    spec: { cidr: row.cidr, connection: {} },
    status: { phase: row.phase, connectionStatus: {} },
  };
}
