// What the algorithms family (and training jobs, through it) needs of the images family.

/** An image of the DevEnviron catalogue as a Python runtime a job's boot file can run with. */
export interface RuntimeImage {
  id: string;
  name: string;
  swr_path: string;
  type: 'BUILD_IN' | 'DEDICATED';
  /** Absolute path of the image's python interpreter. */
  python: string;
  /** The venv or conda prefix that holds the image's packages; absent for a bare host interpreter. */
  prefix?: string;
}

/** The images a project may start from: built-in ones and its own ACTIVE ones. */
export interface ImageCatalogue {
  /** The image by ID (a built-in one also by name) or by swr_path as ListImage answers it; undefined otherwise, another project's included. */
  image(projectId: string, ref: string): Promise<RuntimeImage | undefined>;
}
