import type { AppContext, FamilyModule } from '#src/context.ts';
import { ResultCache } from '#src/db/database.ts';
import type { SampleQueries, SampleSelectionSql, SampleService } from '#src/modules/samples/index.ts';
import type { TaskWorkforces, WorkforceInvitations, WorkforceService, WorkforceUsage } from '#src/modules/workforces/index.ts';
import { AcceptanceStore } from './acceptance-store.ts';
import { workforceTaskRoutes } from './routes.ts';
import { WorkforceTaskService, type TaskDatasets } from './service.ts';
import { TaskStatsService, type StatsDeps } from './stats-service.ts';
import { WorkforceTaskStore } from './store.ts';

export type WorkforceTasksDeps = Pick<AppContext, 'database' | 'clock'> & {
  datasets: TaskDatasets & StatsDeps['datasets'];
  selection: SampleSelectionSql;
  queries: Pick<SampleQueries, 'describe' | 'describeMany'>;
  workforces: WorkforceService;
  invitations: WorkforceInvitations;
  /** The dataset's labels (label_stats, and the names a member may give). */
  labels: Pick<SampleService, 'listLabels'>;
};

/** Team labeling tasks (#17, #18, #26-31, #37, #40, #46). */
export function workforceTasksModule(deps: WorkforceTasksDeps): FamilyModule & { service: WorkforceTaskService; store: WorkforceTaskStore } {
  const store = new WorkforceTaskStore(deps.database.db);
  const copyCounts = new ResultCache<number>(deps.database, { maxEntries: 10_000, maxAgeMs: 60_000, unseenWriters: 'off' });
  const stats = new TaskStatsService({ db: deps.database.db, labels: deps.labels, datasets: deps.datasets });
  const service = new WorkforceTaskService({ ...deps, store, copyCounts, stats, acceptances: new AcceptanceStore(deps.database.db) });
  const seen = new Map<string, number>();
  return {
    service,
    store,
    register: async (app) => void (await app.register(workforceTaskRoutes, { service })),
    reconcilers: [{ name: 'workforce-task-arrivals', reconcile: () => service.synchronizeArrivals(seen) }],
  };
}

/** The ports the workforces family takes from the tasks: teams in use, and a task's teams. */
export function taskWorkforcePorts(database: AppContext['database']): WorkforceUsage & TaskWorkforces {
  const db = database.db;
  return {
    async tasksUsing(projectId, workforceId) {
      const rows = await db
        .selectFrom('workforce_task_workers as m')
        .innerJoin('workforce_tasks as t', 't.id', 'm.task_id')
        .select('t.id')
        .distinct()
        .where('m.workforce_id', '=', workforceId)
        .where('t.project_id', '=', projectId)
        .execute();
      return rows.map((r) => r.id);
    },
    async workforcesOfTask(projectId, taskId) {
      const task = await db.selectFrom('workforce_tasks').select('id').where('id', '=', taskId).where('project_id', '=', projectId).executeTakeFirst();
      if (!task) return undefined;
      const rows = await db.selectFrom('workforce_task_workers').select('workforce_id').distinct().where('task_id', '=', taskId).execute();
      return rows.map((r) => r.workforce_id);
    },
  };
}
