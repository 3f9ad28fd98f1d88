// What the old DevEnviron API uses of other families: the notebooks family's service (an old
// instance is a notebook), where a notebook's volume lies, and the images its profiles name.

/** A notebook as the notebooks family answers it (the fields read here). */
export interface NotebookView {
  id: string;
  name: string;
  description: string;
  status: string;
  flavor: string;
  fail_reason?: string;
  url: string;
  token: string;
  lease: { create_at: number; duration: number; enable: boolean; type: string };
  /** The dedicated pool it runs in; absent in the public pool. */
  pool?: { id: string; name: string };
}

/** The create request sent to the notebooks family. */
export interface NotebookCreate {
  name: string;
  description?: string;
  flavor: string;
  image_id: string;
  volume: { category: 'EVS'; ownership: 'MANAGED' };
  workspace_id?: string;
  /** The dedicated pool to run in (scope Notebook). */
  pool_id?: string;
  duration?: number;
  hooks?: { container_hooks?: { pre_start?: { script?: string; type?: 'COMMAND' | 'SCRIPT' } } };
}

export interface NotebookFlavorView {
  id: string;
  vcpus: number;
  memory: number;
  sold_out: boolean;
  category: string;
}

/** The part of the notebooks family's NotebookService this family calls. */
export interface DevEnvNotebooks {
  create(caller: { projectId: string; userId: string }, req: NotebookCreate, origin: string): Promise<NotebookView>;
  show(projectId: string, id: string, origin: string): Promise<NotebookView>;
  update(projectId: string, id: string, req: { description?: string }, origin: string): Promise<NotebookView>;
  delete(projectId: string, id: string, origin: string): Promise<NotebookView>;
  start(projectId: string, id: string, q: { duration?: number }, origin: string): Promise<NotebookView>;
  stop(projectId: string, id: string, origin: string): Promise<NotebookView>;
  flavorsList(q: Record<string, never>): { data: NotebookFlavorView[] };
}

/** Where a notebook's volume (its working directory) lies on this host. */
export interface NotebookVolumes {
  workDir(id: string): string;
}

/** The images a profile may name (the same source the notebooks family starts from). */
export interface ProfileImages {
  image(projectId: string, imageId: string): Promise<{ id: string; name: string; swr_path: string; type: string } | undefined>;
}
