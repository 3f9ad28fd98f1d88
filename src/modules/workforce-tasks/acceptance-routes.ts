import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import { acceptanceOperations as ops } from './acceptance-operations.ts';
import type { AcceptanceService } from './acceptance-service.ts';
import type { TaskProgressService } from './progress-service.ts';
import type { ReviewService } from './review-service.ts';
import type { TaskStatsService } from './stats-service.ts';
import type { TaskSampleStateFilter } from './stats-schemas.ts';
import type { WorkforceTaskRow } from './tables.ts';

interface Options {
  /** The task of the caller's project and the dataset, or the task's 404. */
  task: (projectId: string, datasetId: string, taskId: string) => Promise<WorkforceTaskRow>;
  acceptance: AcceptanceService;
  review: ReviewService;
  stats: TaskStatsService;
  progress: TaskProgressService;
}

type Req = Parameters<typeof principal>[0] & { params: { dataset_id: string; workforce_task_id: string } };

/** Review (#39, a worker route for the task's reviewers), acceptance (#32-34, #38), statistics and progress (#35, #36, and over time). */
export const acceptanceRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { task, acceptance, review, stats, progress }) => {
  const taskOf = (req: Req) => task(principal(req).projectId, req.params.dataset_id, req.params.workforce_task_id);

  app.route({ ...routeOf(ops.StartWorkforceSamplingTask), handler: async (req) => acceptance.start(await taskOf(req), req.body) });
  app.route({ ...routeOf(ops.GetWorkforceSamplingTask), handler: async (req) => acceptance.report(await taskOf(req), req.query.checking_task_id) });
  app.route({
    ...routeOf(ops.UpdateWorkforceSamplingTask),
    handler: async (req) => acceptance.update(await taskOf(req), req.body, requestOrigin(req)),
  });
  app.route({ ...routeOf(ops.AcceptSamples), handler: async (req) => acceptance.judge(await taskOf(req), req.body) });
  app.route({
    ...routeOf(ops.ListWorkforceTaskStats),
    handler: async (req) => stats.stats(await taskOf(req), req.query.sample_state?.toUpperCase() as TaskSampleStateFilter | undefined),
  });
  app.route({ ...routeOf(ops.GetWorkforceTaskMetrics), handler: async (req) => stats.metrics(await taskOf(req)) });
  app.route({ ...routeOf(ops.GetWorkforceTaskProgress), handler: async (req) => progress.progress(await taskOf(req), req.query) });
  app.route({
    ...routeOf(ops.ReviewSamples),
    config: { workerRoute: true },
    handler: async (req) => review.review(principal(req), await taskOf(req), req.body),
  });
};
