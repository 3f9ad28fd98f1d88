import type { AppContext, FamilyModule } from '#src/context.ts';
import type { SampleQueries, SampleService } from '#src/modules/samples/index.ts';
import type { WorkforceService } from '#src/modules/workforces/index.ts';
import { acceptanceErrors } from './acceptance-errors.ts';
import { acceptanceRoutes } from './acceptance-routes.ts';
import { AcceptanceService, type DatasetLabeling } from './acceptance-service.ts';
import { AcceptanceStore } from './acceptance-store.ts';
import { TaskProgressService } from './progress-service.ts';
import { ReviewService } from './review-service.ts';
import { TaskStatsService, type StatsDeps } from './stats-service.ts';
import { WorkforceTaskStore } from './store.ts';

export type AcceptanceDeps = Pick<AppContext, 'database' | 'clock'> & {
  /** The dataset directory: a dataset of another project is not found. */
  datasets: StatsDeps['datasets'];
  workforces: Pick<WorkforceService, 'workerOfPrincipal'>;
  /** The samples family: manual labeling (passed labels into the dataset), sample views and the dataset's labels. */
  labeling: DatasetLabeling;
  queries: Pick<SampleQueries, 'describe'>;
  labels: Pick<SampleService, 'listLabels'>;
};

/** Review (#39), sampling acceptance (#32-34, #38), and a task's statistics and members' progress (#35, #36). */
export function acceptanceModule(deps: AcceptanceDeps): FamilyModule {
  const db = deps.database.db;
  const tasks = new WorkforceTaskStore(db);
  const store = new AcceptanceStore(db);
  const task = async (projectId: string, datasetId: string, taskId: string) => {
    await deps.datasets.require(projectId, datasetId);
    const row = await tasks.getTask(projectId, datasetId, taskId);
    if (!row) throw acceptanceErrors.taskNotFound(taskId);
    return row;
  };
  const acceptance = new AcceptanceService({ store, clock: deps.clock, labeling: deps.labeling, queries: deps.queries });
  const review = new ReviewService({ tasks, store, clock: deps.clock, workforces: deps.workforces });
  const stats = new TaskStatsService({ db, labels: deps.labels, datasets: deps.datasets });
  const progress = new TaskProgressService({ db, clock: deps.clock });
  return { register: async (app) => void (await app.register(acceptanceRoutes, { task, acceptance, review, stats, progress })) };
}
