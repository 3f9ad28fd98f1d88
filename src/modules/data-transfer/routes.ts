import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { ImportTasks } from './import-tasks.ts';
import type { ImportRequests } from './import-requests.ts';
import type { SyncTasks } from './sync-tasks.ts';
import { dataTransferOperations as ops } from './operations.ts';

/** The import task APIs (#54-#56) and the sync APIs (#60, #61). */
export const dataTransferRoutes: FastifyPluginAsyncTypebox<{ imports: ImportTasks; requests: ImportRequests; syncs: SyncTasks }> = async (
  app,
  { imports, requests, syncs },
) => {
  app.route({
    ...routeOf(ops.ListImportTasks),
    handler: async (req) => imports.list(principal(req).projectId, req.params.dataset_id, req.query),
  });

  app.route({
    ...routeOf(ops.DescImportTask),
    handler: async (req) => imports.describe(principal(req).projectId, req.params.dataset_id, req.params.task_id),
  });

  app.route({
    ...routeOf(ops.ImportTask),
    handler: async (req) => requests.submit(principal(req).projectId, req.params.dataset_id, req.body),
  });

  app.route({
    ...routeOf(ops.SyncDataSource),
    handler: async (req) => {
      await syncs.submit(principal(req).projectId, req.params.dataset_id);
      return {};
    },
  });

  app.route({
    ...routeOf(ops.SyncDataSourceState),
    handler: async (req) => syncs.state(principal(req).projectId, req.params.dataset_id),
  });
};
