// A dataset version as a job input: its manifest, found through the datasets family.
import type { DatasetDirectory } from '#src/modules/datasets/dataset-directory.ts';

export interface DatasetManifests {
  /** The object path of the version's manifest; 404 for an invisible dataset, 400 for a missing or unfinished version. */
  manifestOf(projectId: string, datasetId: string, versionId: string): Promise<string>;
}

export const datasetManifests = (directory: DatasetDirectory): DatasetManifests => ({
  manifestOf: (projectId, datasetId, versionId) => directory.versionManifest(projectId, datasetId, versionId),
});
