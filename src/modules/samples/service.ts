import type { AppContext } from '#src/app.ts';
import type { DatasetDirectory, DatasetRecord } from '#src/modules/datasets/dataset-directory.ts';
import type {
  DatasetSamplesPort,
  LabelDefinition,
  NewSample,
  SampleCounts,
  SnapshotSample,
  VersionSnapshot,
} from '#src/modules/datasets/samples-port.ts';
import type { SampleStore } from './store.ts';

/** Samples, labels and manual labeling of a dataset. */
export class SampleService implements DatasetSamplesPort {
  constructor(
    private readonly store: SampleStore,
    private readonly directory: DatasetDirectory,
    private readonly ctx: AppContext,
  ) {}

  addLabels(_dataset: DatasetRecord, _labels: LabelDefinition[]): Promise<void> {
    throw new Error('not implemented yet');
  }
  listLabels(_datasetId: string): Promise<LabelDefinition[]> {
    throw new Error('not implemented yet');
  }
  importSamples(_dataset: DatasetRecord, _samples: NewSample[]): Promise<number> {
    throw new Error('not implemented yet');
  }
  counts(_datasetId: string): Promise<SampleCounts> {
    throw new Error('not implemented yet');
  }
  freezeVersion(_datasetId: string, _versionId: string, _trainRatio: number): Promise<VersionSnapshot> {
    throw new Error('not implemented yet');
  }
  streamVersion(_versionId: string): AsyncIterable<SnapshotSample> {
    throw new Error('not implemented yet');
  }
  dropVersion(_versionId: string): Promise<void> {
    throw new Error('not implemented yet');
  }
}
