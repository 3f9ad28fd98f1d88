// The pools family's tables: each project's dedicated resource pools (#149-153) and their events (#142).

export type PoolPhaseValue = 'Creating' | 'Running' | 'Abnormal' | 'Deleting';

export interface PoolRow {
  /** The generated id (metadata.name): pool-<32 hex>. */
  id: string;
  project_id: string;
  /** The given name (label os.modelarts/name). */
  display_name: string;
  workspace_id: string | null;
  description: string | null;
  network_name: string;
  /** JSON: the scopes the pool admits (Train, Infer, Notebook). */
  scope: string;
  /** JSON: the slices the pool reserves, one StoredNode each. */
  nodes: string;
  phase: PoolPhaseValue;
  /** Why the pool is in its phase, when that needs saying (e.g. Abnormal). */
  message: string | null;
  /** JSON: the masters the create asked for (spec.masters), echoed; null when none. */
  masters: string | null;
  /** JSON: the driver settings the create asked for (spec.driver), echoed; null when none. */
  driver: string | null;
  created_at: number;
}

export interface PoolEventRow {
  /** A UUID; the `continue` marker of a page of events starts at it. */
  id: string;
  pool_id: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  first_at: number;
  last_at: number;
  count: number;
}

export interface PoolTables {
  pools: PoolRow;
  pool_events: PoolEventRow;
}
