// The samples family's public face. No family imports samples: the datasets family uses them
// through its DatasetSamplesPort, which the wiring (modules/index.ts) fills with the service
// samplesModule returns. What samples need of datasets is their SampleDatasets port.
export type { SampleDatasets, SampleWriterPorts } from './ports.ts';
export type { SampleService } from './service.ts';
export type { SampleSelection, SelectedSamples } from './sample-selection.ts';
export { SAMPLE_STATES, type SampleStateFilter } from './schemas.ts';
export type { AutoLabels, AutoLabelPrediction, LearningSample, LearningSet } from './auto-labels.ts';
export type { SampleQueries } from './sample-queries.ts';
export { DescribeSampleResp, ListSamplesQuery, ListSamplesResponse, PairOfIntAndHardDetail, SampleLabel } from './schemas.ts';
export { countedMetadata } from './sample-model.ts';
export { hardReason } from './hard-reasons.ts';
export type { SampleSelectionSql } from './selection-sql.ts';
