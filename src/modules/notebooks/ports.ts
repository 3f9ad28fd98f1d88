// What the notebooks family needs of other families: the images it may start, and where an
// instance's environment is saved as an image (the images family answers both).
import type { ImageDetail } from '#src/modules/images/index.ts';

export interface ImageEnvironment {
  id: string;
  name: string;
  swr_path: string;
  type: 'BUILD_IN' | 'DEDICATED';
  /** Absolute path of the environment's python interpreter. */
  python: string;
  /** The venv/conda prefix that holds its packages, when it is not a bare host interpreter. */
  prefix?: string;
}

/** What CreateImage asks of the images family. */
export interface SaveEnvironment {
  name: string;
  description?: string;
  /** The instance's own virtualenv. */
  sourcePrefix: string;
  tag?: string;
  namespace?: string;
  workspaceId?: string;
}

export interface NotebookImages {
  /** An image the project may use (built-in or its own); undefined when unknown to it. */
  image(projectId: string, imageId: string): Promise<ImageEnvironment | undefined>;
  /** The image used when create names none, or a built-in one by name. */
  defaultImage(): Promise<ImageEnvironment | undefined>;
  /** Saves an environment as a DEDICATED image of the project: answered CREATING, ACTIVE once copied. */
  snapshot(projectId: string, input: SaveEnvironment): Promise<ImageDetail>;
  /** The status of the project's image (CREATING while it is being saved) and its message; undefined once it is gone. */
  savingStatus(projectId: string, imageId: string): Promise<{ status: string; message: string } | undefined>;
}
