import type { AppContext, FamilyModule } from '#src/context.ts';
import { ImportRequests } from './import-requests.ts';
import { ImportRunTask } from './import-run.ts';
import { ImportTaskStore } from './import-store.ts';
import { ImportTasks } from './import-tasks.ts';
import type { TransferDatasets, TransferSamples } from './ports.ts';
import { dataTransferRoutes } from './routes.ts';
import { SyncRunTask } from './sync-run.ts';
import { SyncTaskStore } from './sync-store.ts';
import { SyncTasks } from './sync-tasks.ts';
import { TransferGate } from './transfer-gate.ts';
import { TransferReconciler } from './transfer-reconciler.ts';

export type DataTransferDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'buckets' | 'tasks'> & {
  /** The datasets family's directory: the dataset an import or sync belongs to. */
  datasets: TransferDatasets;
  /** The samples family: where imported samples go, and what a sync removes. */
  samples: TransferSamples;
};

/**
 * Import tasks (#54-#56) and syncs (#60, #61), with their background tasks and reconciler. `imports`
 * is what the datasets family writes a dataset's input scan to (its DatasetImportsPort).
 */
export function dataTransferModule(deps: DataTransferDeps): FamilyModule & { imports: ImportTasks } {
  const { database, clock, objectStore, buckets, tasks, datasets, samples } = deps;
  const store = new ImportTaskStore(database.db);
  const imports = new ImportTasks(store, datasets, clock);
  const gate = new TransferGate(database.db);
  const importRun = new ImportRunTask({ store, records: imports, datasets, samples, gate, objectStore, buckets, clock });
  const requests = new ImportRequests({ records: imports, store, datasets, buckets, tasks, run: importRun });
  const syncStore = new SyncTaskStore(database.db);
  const syncRun = new SyncRunTask({ store: syncStore, datasets, samples, gate, objectStore, buckets, clock });
  const syncs = new SyncTasks({ store: syncStore, datasets, buckets, tasks, run: syncRun, clock });
  return {
    imports,
    tasks: [importRun, syncRun],
    reconcilers: [new TransferReconciler(database.db, tasks, clock)],
    register: async (app) => void (await app.register(dataTransferRoutes, { imports, requests, syncs })),
  };
}
