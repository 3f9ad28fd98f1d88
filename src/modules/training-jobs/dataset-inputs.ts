// A dataset version as a job input: the one lookup training needs from the datasets family, which
// the wiring (modules/index.ts) provides.

export interface DatasetManifestSource {
  /** The object path of the version's manifest; 404 for an invisible dataset, 400 for a missing or unfinished version. */
  versionManifest(projectId: string, datasetId: string, versionId: string): Promise<string>;
}
