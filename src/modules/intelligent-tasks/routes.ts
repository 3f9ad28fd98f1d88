import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { SampleQueries } from '#src/modules/samples/index.ts';
import { intelligentTaskOperations as ops } from './operations.ts';
import type { IntelligentTasks } from './service.ts';

export const intelligentTaskRoutes: FastifyPluginAsyncTypebox<{ tasks: IntelligentTasks; queries: SampleQueries }> = async (app, { tasks, queries }) => {
  app.route({
    ...routeOf(ops.ListAutoAnnotationSamples),
    handler: async (req) =>
      queries.list(principal(req).projectId, req.params.dataset_id, { ...req.query, sample_state: '__AUTO_ANNOTATION__' }, requestOrigin(req)),
  });
  app.route({
    ...routeOf(ops.DescribeAutoAnnotationSample),
    handler: async (req) => queries.describe(principal(req).projectId, req.params.dataset_id, req.params.sample_id, requestOrigin(req)),
  });
  app.route({ ...routeOf(ops.ListTasks), handler: async (req) => tasks.list(principal(req).projectId, req.params.dataset_id, req.query) });
  app.route({ ...routeOf(ops.CreateTask), handler: async (req) => tasks.create(principal(req).projectId, req.params.dataset_id, req.body) });
  app.route({
    ...routeOf(ops.AutoAnnotationProgress),
    handler: async (req) => tasks.describe(principal(req).projectId, req.params.dataset_id, req.params.task_id),
  });
  app.route({
    ...routeOf(ops.StopAutoAnnotation),
    handler: async (req) => tasks.stop(principal(req).projectId, req.params.dataset_id, req.params.task_id),
  });
};
