export interface PoolHoldingRow {
  /** The replica that holds it (replica-id.ts). */
  replica: string;
  /** '' for the pool of work that names none (the cluster's nodes), else the dedicated pool's id. */
  pool: string;
  key: string;
  cpu: number;
  memory_mb: number;
  /** The nodes its replicas were placed on, JSON of NodeShare[]. */
  placement: string;
  holder_kind: string | null;
  holder_id: string | null;
  holder_name: string | null;
  project_id: string | null;
  updated_at: number;
}

export interface PoolLedgerTables {
  pool_holdings: PoolHoldingRow;
}
