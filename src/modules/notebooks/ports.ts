// What the notebooks family needs of other families: the images it may start, and where an
// instance's environment is saved as an image (the images family answers both).
import type { ImageDetail, ImageEnvironment, SnapshotInput } from '#src/modules/images/index.ts';

export type { ImageEnvironment };

/** What CreateImage asks of the images family. */
export type SaveEnvironment = SnapshotInput;

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
