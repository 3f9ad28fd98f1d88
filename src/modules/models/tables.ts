// Tables of the models family.

/** publishing -> published | failed (the spec also names building/building_failed for image builds, unused here). */
export type ModelStatus = 'publishing' | 'published' | 'failed';

export interface ModelRow {
  id: string;
  project_id: string;
  /** Domain (account) id. */
  tenant: string;
  /** User id of the importer. */
  owner: string;
  model_name: string;
  model_version: string;
  model_type: string;
  runtime: string;
  description: string;
  workspace_id: string;
  source_location: string;
  source_job_id: string | null;
  source_job_version: string | null;
  source_type: string | null;
  execution_code: string | null;
  model_algorithm: string;
  model_metrics: string | null;
  /** JSON text: the apis array of config.json (the ModelArts form). */
  apis: string;
  /** JSON text: config.json as read from the package. */
  config: string;
  /** JSON text arrays. */
  dependencies: string;
  input_params: string;
  output_params: string;
  install_type: string;
  model_docs: string;
  /** JSON text or null: config.json's health. */
  health: string | null;
  swr_location: string | null;
  model_status: ModelStatus;
  /** Why the import failed. */
  error_msg: string | null;
  model_size: number;
  create_at: number;
}

export interface ModelTables {
  models: ModelRow;
}
