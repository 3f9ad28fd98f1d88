import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { exportOperations as ops } from './export-operations.ts';
import type { ExportTasks } from './export-tasks.ts';

/** The export task APIs: create (#58), list (#57) and status (#59). */
export const exportRoutes: FastifyPluginAsyncTypebox<{ exports: ExportTasks }> = async (app, { exports }) => {
  app.route({
    ...routeOf(ops.ExportTask),
    handler: async (req) => exports.create(principal(req).projectId, req.params.dataset_id, req.body),
  });

  app.route({
    ...routeOf(ops.GetExportTasksStatusOfDataset),
    handler: async (req) => exports.list(principal(req).projectId, req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.GetExportTaskStatusOfDataset),
    handler: async (req) => exports.describe(principal(req).projectId, req.params.resource_id, req.params.task_id),
  });
};
