import { operation } from '#src/core/operation.ts';
import { DatasetIdParams } from '#src/modules/datasets/index.ts';
import { ImportTaskParams, ImportTaskStatusResp, ListImportTasksQuery, ListImportTasksResponse } from './schemas.ts';
import { ImportTaskRequest, ImportTaskResponse } from './import-schemas.ts';
import { SyncDataSourceStateResponse } from './sync-schemas.ts';
import { EmptyObject } from '#src/core/schemas.ts';

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
  ImportTask: operation({
    id: 'ImportTask',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/import-tasks',
    tags,
    summary: 'Creating an Import Task',
    params: DatasetIdParams,
    body: ImportTaskRequest,
    responses: { 200: ImportTaskResponse },
  }),
  SyncDataSource: operation({
    id: 'SyncDataSource',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/sync-data',
    tags: ['Data Synchronization'],
    summary: 'Synchronizing a Dataset',
    params: DatasetIdParams,
    responses: { 200: EmptyObject },
  }),
  SyncDataSourceState: operation({
    id: 'SyncDataSourceState',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/sync-data/status',
    tags: ['Data Synchronization'],
    summary: 'Querying the Status of a Dataset Synchronization Task',
    params: DatasetIdParams,
    responses: { 200: SyncDataSourceStateResponse },
  }),
};
