import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { withErrors } from '#src/core/schemas.ts';
import { DatasetIdParams } from '#src/modules/datasets/schemas.ts';
import type { ImportTasks } from './import-tasks.ts';
import { ImportTaskParams, ImportTaskStatusResp, ListImportTasksQuery, ListImportTasksResponse } from './schemas.ts';

const tags = ['Data Import'];

/** The import task APIs served so far: the list (#54) and details (#56), read-only. */
export const dataTransferRoutes: FastifyPluginAsyncTypebox<{ imports: ImportTasks }> = async (app, { imports }) => {
  app.get(
    '/v2/:project_id/datasets/:dataset_id/import-tasks',
    {
      schema: {
        operationId: 'ListImportTasks',
        tags,
        summary: 'Querying the Dataset Import Task List',
        params: DatasetIdParams,
        querystring: ListImportTasksQuery,
        response: withErrors({ 200: ListImportTasksResponse }),
      },
    },
    async (req) => imports.list(principal(req).projectId, req.params.dataset_id, req.query),
  );

  app.get(
    '/v2/:project_id/datasets/:dataset_id/import-tasks/:task_id',
    {
      schema: {
        operationId: 'DescImportTask',
        tags,
        summary: 'Querying Details About a Dataset Import Task',
        params: ImportTaskParams,
        response: withErrors({ 200: ImportTaskStatusResp }),
      },
    },
    async (req) => imports.describe(principal(req).projectId, req.params.dataset_id, req.params.task_id),
  );
};
