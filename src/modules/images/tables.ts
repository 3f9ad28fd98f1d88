// The images family's table: the DEDICATED images of each project (registered environments and
// saved notebook environments). Built-in images are the host's interpreters and are not stored.

/** The spec's image statuses that Atelier's own images pass through. */
export type ImageStatus = 'CREATING' | 'CREATE_FAILED' | 'ACTIVE';

export interface ImageRow {
  id: string;
  project_id: string;
  name: string;
  tag: string;
  namespace: string;
  description: string;
  /** X86_64 or AARCH64: the host's. */
  arch: string;
  /** CUSTOMIZE (registered) or IMAGE_SAVE (saved from a notebook). */
  origin: string;
  service_type: string;
  /** JSON arrays of strings. */
  dev_services: string;
  resource_categories: string;
  visibility: string;
  workspace_id: string;
  /** The environment's folder as registered, or the saved copy's folder. */
  swr_path: string;
  /** The folder that holds the environment (venv or conda prefix). */
  prefix: string;
  /** The environment's interpreter, an absolute path. */
  python: string;
  python_version: string;
  /** JSON [[name, version], ...] as the interpreter reported them. */
  packages: string;
  size_kb: number;
  status: ImageStatus;
  status_message: string;
  /** The folder a saved image is copied from (IMAGE_SAVE); null for a registered one. */
  source_prefix: string | null;
  create_at: number;
  update_at: number;
}

export interface ImageTables {
  images: ImageRow;
}
