// What the notebooks family needs of other families: the images it may start.

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

export interface NotebookImages {
  /** An image the project may use (built-in or its own); undefined when unknown to it. */
  image(projectId: string, imageId: string): Promise<ImageEnvironment | undefined>;
  /** The image used when create names none, or a built-in one by name. */
  defaultImage(): Promise<ImageEnvironment | undefined>;
}
