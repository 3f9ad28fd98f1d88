// What the import and sync tasks need from outside: the dataset they belong to (the datasets
// family's directory) and its samples (the samples family's service), passed by the wiring.
import type { NewSample } from '#src/formats/index.ts';
import type { DatasetRecord, ImportOptions } from '#src/modules/datasets/index.ts';

/** Finds a dataset of the caller's project; another project's is reported missing (404). */
export interface ImportDatasets {
  require(projectId: string, datasetId: string): Promise<{ id: string }>;
}

/** The dataset directory as imports and syncs use it. */
export interface TransferDatasets {
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
  /** As require, refused while the dataset is being deleted or published. */
  requireWritable(projectId: string, datasetId: string): Promise<DatasetRecord>;
}

/** The samples family as imports and syncs use it. */
export interface TransferSamples {
  /** Adds samples in one transaction; a source already in the dataset is skipped. Returns how many were added. */
  importSamples(dataset: DatasetRecord, samples: NewSample[], options?: ImportOptions): Promise<number>;
  /** The dataset's samples whose source starts with `prefix`, in pages. */
  sourcesUnder(datasetId: string, prefix: string): AsyncIterable<{ id: string; source: string }[]>;
  /** Removes samples by id in one transaction; returns how many went. */
  removeSamples(dataset: DatasetRecord, ids: readonly string[]): Promise<number>;
  counts(datasetId: string): Promise<{ total: number }>;
}
