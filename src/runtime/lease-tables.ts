export interface LeaseRow {
  /** What is owned, e.g. `reconciler:datasets`. */
  name: string;
  /** The replica holding it. */
  owner: string;
  /** Epoch ms after which another replica may take it. */
  expires_at: number;
  updated_at: number;
}

export interface LeaseTables {
  leases: LeaseRow;
}
