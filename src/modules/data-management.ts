import type { AppContext } from '#src/app.ts';
import { DatasetDirectory } from './datasets/dataset-directory.ts';
import { DatasetStore } from './datasets/store.ts';
import { SampleService } from './samples/service.ts';
import { SampleStore } from './samples/store.ts';

/**
 * The services the data-management families share, built once: the dataset directory (datasets
 * family) and the sample service (samples family). Datasets use samples through DatasetSamplesPort;
 * samples find datasets through the directory.
 */
export interface DataManagement {
  datasetStore: DatasetStore;
  directory: DatasetDirectory;
  samples: SampleService;
}

export function createDataManagement(ctx: AppContext): DataManagement {
  const datasetStore = new DatasetStore(ctx.database.db);
  const directory = new DatasetDirectory(datasetStore, ctx.clock);
  const samples = new SampleService(new SampleStore(ctx.database), directory, ctx);
  return { datasetStore, directory, samples };
}
