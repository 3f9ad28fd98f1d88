import type { AppContext, FamilyModule } from '#src/context.ts';
import { ImportTaskStore } from './import-store.ts';
import { ImportTasks } from './import-tasks.ts';
import type { ImportDatasets } from './ports.ts';
import { dataTransferRoutes } from './routes.ts';

export type DataTransferDeps = Pick<AppContext, 'database' | 'clock'> & {
  /** The datasets family's directory: the dataset an import belongs to. */
  datasets: ImportDatasets;
};

/**
 * Import task records (#54, #56). `imports` is what the datasets family writes a dataset's input
 * scan to (its DatasetImportsPort).
 */
export function dataTransferModule(deps: DataTransferDeps): FamilyModule & { imports: ImportTasks } {
  const imports = new ImportTasks(new ImportTaskStore(deps.database.db), deps.datasets, deps.clock);
  return { imports, register: async (app) => void (await app.register(dataTransferRoutes, { imports })) };
}
