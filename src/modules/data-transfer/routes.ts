import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { ImportTasks } from './import-tasks.ts';
import { dataTransferOperations as ops } from './operations.ts';

/** The import task APIs served so far: the list (#54) and details (#56), read-only. */
export const dataTransferRoutes: FastifyPluginAsyncTypebox<{ imports: ImportTasks }> = async (app, { imports }) => {
  app.route({
    ...routeOf(ops.ListImportTasks),
    handler: async (req) => imports.list(principal(req).projectId, req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.DescImportTask),
    handler: async (req) => imports.describe(principal(req).projectId, req.params.dataset_id, req.params.task_id),
  });
};
