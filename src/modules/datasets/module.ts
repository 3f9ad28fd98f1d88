import type { AppContext, FamilyModule } from '#src/context.ts';
import { DatasetDirectory } from './dataset-directory.ts';
import { samplePreview } from './dataset-preview.ts';
import { DatasetService } from './dataset-service.ts';
import type { DatasetImportsPort } from './import-port.ts';
import { LabelChanges } from './label-changes.ts';
import { PublishVersionTask } from './publish-task.ts';
import { DatasetReconciler } from './reconciler.ts';
import { datasetRoutes } from './routes/dataset-routes.ts';
import { versionRoutes } from './routes/version-routes.ts';
import type { DatasetSamplesPort } from './samples-port.ts';
import { ScanInputTask } from './scan-task.ts';
import { DatasetStore } from './store.ts';
import { VersionService } from './version-service.ts';

export type DatasetDirectoryDeps = Pick<AppContext, 'database' | 'clock'>;

/**
 * How the families that work inside a dataset (samples, import tasks, training) find it. Built
 * before them; the datasets family itself is built after them, with their services as its ports.
 */
export function createDatasetDirectory(deps: DatasetDirectoryDeps): DatasetDirectory {
  return new DatasetDirectory(new DatasetStore(deps.database.db), deps.clock);
}

export type DatasetsDeps = Pick<AppContext, 'database' | 'objectStore' | 'buckets' | 'clock' | 'tasks'> & {
  /** The samples family: samples and labels of a dataset, frozen into versions. */
  samples: DatasetSamplesPort;
  /** The data-transfer family's import task records (a dataset's input scan is its import). */
  imports: DatasetImportsPort;
};

/** Datasets and their versions (#1-#5, #8-#11), the input scan and version publishing tasks, and their reconciler. */
export function datasetsModule(deps: DatasetsDeps): FamilyModule & { versions: VersionService; creation: Pick<DatasetService, 'create'> } {
  const { samples, imports, objectStore, buckets, clock, tasks } = deps;
  const store = new DatasetStore(deps.database.db);
  const scan = new ScanInputTask({ store, samples, imports, objectStore, buckets, clock });
  const publish = new PublishVersionTask({ store, samples, objectStore, buckets, clock });
  const datasets = new DatasetService({
    store,
    samples,
    labels: new LabelChanges(samples),
    preview: samplePreview(samples),
    objectStore,
    buckets,
    tasks,
    scan,
    imports,
    clock,
  });
  const versions = new VersionService({ datasets, store, samples, objectStore, buckets, tasks, publish, clock });
  return {
    versions,
    creation: datasets,
    tasks: [scan, publish],
    reconcilers: [new DatasetReconciler({ store, samples, imports, tasks, scan, clock })],
    register: async (app) => {
      await app.register(datasetRoutes, { datasets });
      await app.register(versionRoutes, { versions });
    },
  };
}
