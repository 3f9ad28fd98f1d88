// What export tasks need from outside: the dataset (the datasets family's directory), the samples
// to write (the samples family's service) and the making of a new dataset, passed by the wiring.
import type { SnapshotSample } from '#src/formats/sample-records.ts';
import type { CreateDatasetRequest, DatasetRecord } from '#src/modules/datasets/index.ts';
import type { SampleSelection, SelectedSamples } from '#src/modules/samples/index.ts';

export interface ExportDatasets {
  /** A dataset of the caller's project; another project's is reported missing (404). */
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
  /** The manifest of a published version; a missing or unfinished version is a 400. */
  versionManifest(projectId: string, datasetId: string, versionId: string): Promise<string>;
}

export interface ExportSamples {
  /** A subset of the dataset's current samples; a bad search condition is a 400 naming `field`. */
  select(datasetId: string, selection: SampleSelection, field: string): Promise<SelectedSamples>;
  /** The frozen samples of a published version. */
  streamVersion(versionId: string): AsyncIterable<SnapshotSample>;
}

/** The datasets family's dataset creation (CreateDataset's own code: checks, input scan and all), for export_dest NEW_DATASET. */
export interface ExportNewDatasets {
  create(caller: { projectId: string }, req: CreateDatasetRequest): Promise<{ dataset_id: string }>;
}
