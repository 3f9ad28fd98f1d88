// The datasets family's public face: what other families use of it (the samples and import task
// families work inside a dataset). The wiring builds the family from module.ts; this file holds no
// implementation, so a family or the client reading these wire schemas does not load it.
export type { DatasetRecord } from './dataset-directory.ts';
export type { DatasetImportsPort, ImportCounts, ImportFileError, NewImport } from './import-port.ts';
export { ImportErrorLog } from './import-port.ts';
export type {
  DatasetSamplesPort,
  FreezeOptions,
  ImportOptions,
  ImportOutcome,
  LabelDefinition,
  PreviewSample,
  SampleCounts,
  VersionSnapshot,
} from './samples-port.ts';
export type { CreateDatasetRequest } from './schemas.ts';
export { DataSource, DatasetIdParams, Label, LabelAttribute, LabelFormat, LabelProperty, MAX_LABELS, SchemaMap } from './schemas.ts';
export { checkNewLabels } from './label-rules.ts';
export { datasetErrors, labelErrors } from './errors.ts';
