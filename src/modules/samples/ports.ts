// What the samples family needs from outside: the dataset its samples belong to (the datasets
// family's directory, passed by the wiring) and the ports of the outside world its writers use.
import type { AppContext } from '#src/context.ts';
import type { DatasetRecord } from '#src/modules/datasets/index.ts';

/** How samples find their dataset. A dataset of another project is reported missing. */
export interface SampleDatasets {
  require(projectId: string, datasetId: string): Promise<DatasetRecord>;
  /** As require, for changes to samples and labels: refused while the dataset is being deleted or published. */
  requireWritable(projectId: string, datasetId: string): Promise<DatasetRecord>;
  /** Records that samples or labels changed (data_update_time). */
  touch(datasetId: string): Promise<void>;
}

/** The ports the services that write samples, labels and their files use. */
export type SampleWriterPorts = Pick<AppContext, 'clock' | 'objectStore' | 'buckets'>;
