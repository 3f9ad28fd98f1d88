// The algorithms family's table. JSON columns hold the wire objects as text.

export interface AlgorithmRow {
  id: string;
  project_id: string;
  name: string;
  description: string;
  workspace_id: string;
  ai_project: string;
  user_name: string;
  domain_id: string;
  /** Bytes of the code directory when last checked. */
  size: number;
  /** JSON: code_dir, boot_file, command, parameters, inputs, outputs, engine, parameters_customization. */
  job_config: string;
  /** JSON CodeTreeNode of the code directory (rows written before held a one-item array); '' without code. */
  code_tree: string;
  /** JSON array of {key, value, operator} (rows written before spelled value as values). */
  resource_requirements: string;
  advanced_config: string;
  create_time: number;
  update_time: number;
}

export interface AlgorithmTables {
  algorithms: AlgorithmRow;
}
