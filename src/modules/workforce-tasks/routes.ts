import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import { workforceTaskOperations as ops } from './operations.ts';
import type { WorkforceTaskService } from './service.ts';

interface Options {
  service: WorkforceTaskService;
}

/**
 * Team labeling tasks (#26-31), the members' side (#17, #18, #28, #37, #40) and SendEmails (#46). The
 * members' routes are open to worker identities; the service limits each to the caller's own copies.
 */
export const workforceTaskRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { service }) => {
  const project = (req: Parameters<typeof principal>[0]) => principal(req).projectId;
  const worker = { workerRoute: true };

  app.route({ ...routeOf(ops.ListWorkforceTasks), handler: (req) => service.list(project(req), req.params.dataset_id, req.query.limit, req.query.offset) });
  app.route({ ...routeOf(ops.CreateWorkforceTask), handler: (req) => service.create(project(req), req.params.dataset_id, req.body) });
  app.route({
    ...routeOf(ops.DescWorkforceTask),
    config: worker,
    handler: (req) => service.describe(principal(req), req.params.dataset_id, req.params.workforce_task_id, req.query),
  });
  app.route({ ...routeOf(ops.StartWorkforceTask), handler: (req) => service.start(project(req), req.params.dataset_id, req.params.workforce_task_id) });
  app.route({
    ...routeOf(ops.UpdateWorkforceTask),
    handler: (req) => service.update(project(req), req.params.dataset_id, req.params.workforce_task_id, req.body),
  });
  app.route({
    ...routeOf(ops.DeleteWorkforceTask),
    handler: async (req, reply) => {
      await service.remove(project(req), req.params.dataset_id, req.params.workforce_task_id);
      return reply.code(204).send(null);
    },
  });
  app.route({
    ...routeOf(ops.SendEmails),
    handler: (req) => service.sendEmails(project(req), req.params.dataset_id, req.params.workforce_task_id, req.body.emails, requestOrigin(req)),
  });

  app.route({ ...routeOf(ops.ListWorkerTasks), config: worker, handler: (req) => service.listWorkerTasks(principal(req), req.query) });
  app.route({
    ...routeOf(ops.ListWorkforceTaskSamples),
    config: worker,
    handler: (req) => service.listSamples(principal(req), req.params.dataset_id, req.params.workforce_task_id, req.query, requestOrigin(req)),
  });
  app.route({
    ...routeOf(ops.DescribeWorkforceTaskSample),
    config: worker,
    handler: (req) =>
      service.describeSample(
        principal(req),
        req.params.dataset_id,
        req.params.workforce_task_id,
        req.params.sample_id,
        req.query.worker_id,
        requestOrigin(req),
      ),
  });
  app.route({
    ...routeOf(ops.UpdateWorkforceTaskSamples),
    config: worker,
    handler: (req) => service.saveLabels(principal(req), req.params.dataset_id, req.params.workforce_task_id, req.body),
  });
};
