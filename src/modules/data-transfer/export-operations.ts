import { operation } from '#src/core/operation.ts';
import { DatasetIdParams } from '#src/modules/datasets/index.ts';
import { ExportTaskParams, ExportTaskRequest, ExportTaskStatusResp, ListExportTasksQuery, ListExportTasksResponse } from './export-schemas.ts';

const tags = ['Data Export'];

export const exportOperations = {
  GetExportTasksStatusOfDataset: operation({
    id: 'GetExportTasksStatusOfDataset',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/export-tasks',
    tags,
    summary: 'Querying the Dataset Export Task List',
    params: DatasetIdParams,
    querystring: ListExportTasksQuery,
    responses: { 200: ListExportTasksResponse },
  }),
  ExportTask: operation({
    id: 'ExportTask',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/export-tasks',
    tags,
    summary: 'Creating a Dataset Export Task',
    params: DatasetIdParams,
    body: ExportTaskRequest,
    responses: { 200: ExportTaskStatusResp },
  }),
  GetExportTaskStatusOfDataset: operation({
    id: 'GetExportTaskStatusOfDataset',
    method: 'GET',
    path: '/v2/:project_id/datasets/:resource_id/export-tasks/:task_id',
    tags,
    summary: 'Querying the Status of a Dataset Export Task',
    params: ExportTaskParams,
    responses: { 200: ExportTaskStatusResp },
  }),
};
