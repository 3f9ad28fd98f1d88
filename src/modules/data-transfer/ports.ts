// What the import task family needs from outside: the dataset an import belongs to (the datasets
// family's directory, passed by the wiring).

/** Finds a dataset of the caller's project; another project's is reported missing (404). */
export interface ImportDatasets {
  require(projectId: string, datasetId: string): Promise<{ id: string }>;
}
