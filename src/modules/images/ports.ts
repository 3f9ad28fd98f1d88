// What the images family offers other families, and what it needs of them.
import type { ImageDetail } from './schemas.ts';

/** Whether a notebook instance or an unfinished training job uses an image: an image in use is not deleted. Those families answer it. */
export interface ImageUsage {
  inUse(projectId: string, imageId: string): Promise<boolean>;
}

/** An image as a runtime a notebook (or training job) starts from. */
export interface ImageEnvironment {
  id: string;
  name: string;
  swr_path: string;
  type: 'BUILD_IN' | 'DEDICATED';
  /** Absolute path of the environment's python interpreter. */
  python: string;
  /** The venv/conda prefix that holds its packages, when it is not a bare host interpreter. */
  prefix?: string;
  /** A registered container image (kubernetes executor): the reference its pods run; python is then the image's python3 on PATH. */
  container?: string;
}

/** What a saved notebook environment becomes: a DEDICATED image of origin IMAGE_SAVE. */
export interface SnapshotInput {
  name: string;
  description?: string;
  /** The environment folder to copy (the instance's own virtualenv). */
  sourcePrefix: string;
  /** Image tag, default latest. */
  tag?: string;
  /** Organization, default local. */
  namespace?: string;
  workspaceId?: string;
}

/** The images other families start from, and the snapshot of a notebook's environment. */
export interface Images {
  /** A built-in image (by ID, or by name as the old API's profile_id may give it), or the project's own ACTIVE one; undefined otherwise (another project's included). */
  image(projectId: string, imageId: string): Promise<ImageEnvironment | undefined>;
  /** The same, found by its swr_path as ListImage answers it (a training job's engine.image_url may give either). */
  imageAt(projectId: string, swrPath: string): Promise<ImageEnvironment | undefined>;
  /** The first built-in image (python3 on PATH), undefined when the host has no Python. */
  defaultImage(): Promise<ImageEnvironment | undefined>;
  /**
   * Records a DEDICATED image in status CREATING (answered as the images API shows it) and copies the
   * environment in a durable task, flattened so it needs neither the source nor its base image; ACTIVE
   * or CREATE_FAILED after. A name and tag the project already has are refused.
   */
  snapshot(projectId: string, input: SnapshotInput): Promise<ImageDetail>;
  /** The status of a project's own image and its message (CREATING while a snapshot copies); undefined when it is gone. */
  savingStatus(projectId: string, imageId: string): Promise<{ status: string; message: string } | undefined>;
}
