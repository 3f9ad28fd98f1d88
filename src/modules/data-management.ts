import type { AppContext } from '#src/context.ts';
import { DatasetDirectory } from './datasets/dataset-directory.ts';
import { DatasetStore } from './datasets/store.ts';
import { ImportTasks, ImportTaskStore } from './data-transfer/index.ts';
import { createObjectUrls, type ObjectUrls } from './object-urls/index.ts';
import { SampleService } from './samples/service.ts';
import { SampleStore } from './samples/store.ts';

/**
 * The services the data-management families share, built once: the dataset directory (datasets
 * family), the sample service (samples family), the import task records (data-transfer family) and
 * the signed object URLs samples are shown by.
 * Datasets use samples through DatasetSamplesPort; samples find datasets through the directory.
 */
export interface DataManagement {
  datasetStore: DatasetStore;
  directory: DatasetDirectory;
  samples: SampleService;
  imports: ImportTasks;
  urls: ObjectUrls;
}

export function createDataManagement(ctx: AppContext, urls: ObjectUrls = createObjectUrls(ctx)): DataManagement {
  const datasetStore = new DatasetStore(ctx.database.db);
  const directory = new DatasetDirectory(datasetStore, ctx.clock);
  const samples = new SampleService(new SampleStore(ctx.database), directory, ctx, urls);
  const imports = new ImportTasks(new ImportTaskStore(ctx.database.db), directory, ctx.clock);
  return { datasetStore, directory, samples, imports, urls };
}
