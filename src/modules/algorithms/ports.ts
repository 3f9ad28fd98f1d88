// What the algorithms family (and training jobs, through it) needs of the images family.
import type { ImageEnvironment } from '#src/modules/images/index.ts';

/** An image of the DevEnviron catalogue as a Python runtime a job's boot file can run with. */
export type RuntimeImage = ImageEnvironment;

/** The images a project may start from: built-in ones and its own ACTIVE ones. */
export interface ImageCatalogue {
  /** The image by ID (a built-in one also by name) or by swr_path as ListImage answers it; undefined otherwise, another project's included. */
  image(projectId: string, ref: string): Promise<RuntimeImage | undefined>;
}
