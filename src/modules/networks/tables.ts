// The networks family's table: each project's network records (#143-147).

export type NetworkPhaseValue = 'Creating' | 'Active' | 'Abnormal';

export interface NetworkRow {
  /** The generated name (metadata.name): the given name and a random suffix. */
  id: string;
  project_id: string;
  /** The given name (label os.modelarts/name). */
  display_name: string;
  workspace_id: string | null;
  cidr: string;
  description: string | null;
  phase: NetworkPhaseValue;
  created_at: number;
}

export interface NetworkTables {
  networks: NetworkRow;
}
