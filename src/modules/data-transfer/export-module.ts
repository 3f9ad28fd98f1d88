import type { AppContext, FamilyModule } from '#src/context.ts';
import type { ExportDatasets, ExportNewDatasets, ExportSamples } from './export-ports.ts';
import { ExportReconciler } from './export-reconciler.ts';
import { exportRoutes } from './export-routes.ts';
import { ExportTaskDefinition } from './export-run.ts';
import { ExportTaskStore } from './export-store.ts';
import { ExportTasks } from './export-tasks.ts';

export type ExportTasksModuleDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'buckets' | 'tasks'> & {
  /** The datasets family's directory: the dataset exported. */
  datasets: ExportDatasets;
  /** The samples family's service: the samples written. */
  samples: ExportSamples;
  /** The datasets family's dataset creation: export_dest NEW_DATASET. */
  newDatasets: ExportNewDatasets;
};

/** Export tasks (#57-#59): their routes and the queue task that writes the files. */
export function exportTasksModule(deps: ExportTasksModuleDeps): FamilyModule {
  const store = new ExportTaskStore(deps.database.db);
  const { datasets, samples, newDatasets, objectStore, buckets, clock, tasks } = deps;
  const definition = new ExportTaskDefinition({ store, datasets, samples, newDatasets, objectStore, buckets, clock });
  const exports = new ExportTasks({ store, datasets, samples, buckets, tasks, definition, clock });
  return {
    tasks: [definition],
    reconcilers: [new ExportReconciler(store, tasks, clock)],
    register: async (app) => void (await app.register(exportRoutes, { exports })),
  };
}
