import type { AppContext, FamilyModule } from '#src/context.ts';
import type { ModelUsage, SourceJobs } from './ports.ts';
import { PublishModelTask } from './publish-model-task.ts';
import { PublishResumer } from './publish-resumer.ts';
import { modelRoutes } from './routes.ts';
import { ModelService } from './service.ts';
import { ModelStore } from './store.ts';

export type ModelsDeps = Pick<AppContext, 'database' | 'objectStore' | 'buckets' | 'tasks' | 'clock' | 'config'> & {
  /** The training jobs a model may come from. */
  trainingJobs: SourceJobs;
  /** Which models the services use. */
  usage: ModelUsage;
};

export function modelsModule(deps: ModelsDeps): FamilyModule & { service: ModelService } {
  const store = new ModelStore(deps.database.db);
  const dataDir = deps.config.dataDir;
  const publish = new PublishModelTask(store, deps.objectStore, deps.buckets, dataDir);
  const service = new ModelService({
    store,
    objects: deps.objectStore,
    buckets: deps.buckets,
    clock: deps.clock,
    dataDir,
    tasks: deps.tasks,
    publish,
    jobs: deps.trainingJobs,
    usage: deps.usage,
    runsImages: deps.config.executor === 'kubernetes',
  });
  return {
    service,
    tasks: [publish],
    reconcilers: [new PublishResumer(store, deps.tasks, publish)],
    register: async (app) => void (await app.register(modelRoutes, { service })),
  };
}
