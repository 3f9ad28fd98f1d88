import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { processorOperations as ops } from './operations.ts';
import type { ProcessorService } from './service.ts';

export const processorRoutes: FastifyPluginAsyncTypebox<{ service: ProcessorService }> = async (app, { service }) => {
  const project = (req: Parameters<typeof principal>[0]): string => principal(req).projectId;
  app.route({ ...routeOf(ops.ListProcessorTasks), handler: (req) => service.list(project(req), req.query) });
  app.route({ ...routeOf(ops.CreateProcessorTask), handler: (req) => service.create(project(req), req.body) });
  app.route({ ...routeOf(ops.GetProcessorTaskItems), handler: async (req) => service.items(req.query) });
  app.route({ ...routeOf(ops.DescribeProcessorTask), handler: (req) => service.describe(project(req), req.params.task_id) });
  app.route({ ...routeOf(ops.UpdateProcessorTask), handler: (req) => service.update(project(req), req.params.task_id, req.body) });
  app.route({ ...routeOf(ops.DeleteProcessorTask), handler: (req) => service.delete(project(req), req.params.task_id) });
  app.route({ ...routeOf(ops.ListProcessorTaskVersions), handler: (req) => service.listVersions(project(req), req.params.task_id, req.query) });
  app.route({ ...routeOf(ops.CreateProcessorTaskVersion), handler: (req) => service.createVersion(project(req), req.params.task_id, req.body) });
  app.route({
    ...routeOf(ops.DescProcessorTaskVersion),
    handler: (req) => service.describeVersion(project(req), req.params.task_id, req.params.version_id),
  });
  app.route({
    ...routeOf(ops.DeleteProcessorTaskVersion),
    handler: (req) => service.deleteVersion(project(req), req.params.task_id, req.params.version_id),
  });
  app.route({
    ...routeOf(ops.ListProcessorTaskVersionResults),
    handler: (req) => service.results(project(req), req.params.task_id, req.params.version_id, req.query),
  });
  app.route({
    ...routeOf(ops.StopProcessorTaskVersion),
    handler: (req) => service.stopVersion(project(req), req.params.task_id, req.params.version_id),
  });
};
