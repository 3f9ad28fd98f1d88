import { operation } from '#src/core/operation.ts';
import { DatasetIdParams } from '#src/modules/datasets/index.ts';
import { ImportTaskParams, ImportTaskStatusResp, ListImportTasksQuery, ListImportTasksResponse } from './schemas.ts';

const tags = ['Data Import'];

export const dataTransferOperations = {
  ListImportTasks: operation({
    id: 'ListImportTasks',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/import-tasks',
    tags,
    summary: 'Querying the Dataset Import Task List',
    params: DatasetIdParams,
    querystring: ListImportTasksQuery,
    responses: { 200: ListImportTasksResponse },
  }),
  DescImportTask: operation({
    id: 'DescImportTask',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/import-tasks/:task_id',
    tags,
    summary: 'Querying Details About a Dataset Import Task',
    params: ImportTaskParams,
    responses: { 200: ImportTaskStatusResp },
  }),
};
