import type { AppContext, FamilyModule } from '#src/context.ts';
import type { AutoLabels, SampleQueries } from '#src/modules/samples/index.ts';
import { LearningEngine } from './engine.ts';
import { FeatureExtractor } from './feature-extractor.ts';
import { intelligentTaskRoutes } from './routes.ts';
import { Prelabeler, type PrelabelModels } from './prelabel.ts';
import { IntelligentTasks, type TaskDatasets } from './service.ts';
import { intelligentTaskWorkloads } from './pool-workloads.ts';
import { IntelligentTaskStore } from './store.ts';

export type IntelligentTaskDeps = Pick<AppContext, 'database' | 'clock' | 'objectStore' | 'tasks' | 'config' | 'pools' | 'sandbox' | 'poolWorkloads'> & {
  datasets: TaskDatasets;
  autoLabels: AutoLabels;
  queries: SampleQueries;
  /** The project's models, which pre-labeling runs. */
  models: PrelabelModels;
};

/** Auto labeling and auto grouping tasks, and the samples they label (#62-67). */
export function intelligentTasksModule(deps: IntelligentTaskDeps): FamilyModule {
  const store = new IntelligentTaskStore(deps.database.db);
  deps.poolWorkloads.registerMore((projectId, poolName) => intelligentTaskWorkloads(store, projectId, poolName));
  const tasks = new IntelligentTasks(
    store,
    deps.datasets,
    deps.autoLabels,
    new FeatureExtractor(deps.config.objectStore),
    new LearningEngine(deps),
    deps.tasks,
    deps.clock,
    new Prelabeler({ ...deps, dataDir: deps.config.dataDir, predictTimeoutMs: deps.config.inferTimeoutSeconds * 1000 }),
    deps.models,
    deps.pools,
  );
  return {
    tasks: [tasks.definition],
    register: async (app) => void (await app.register(intelligentTaskRoutes, { tasks, queries: deps.queries })),
  };
}
