import { operation } from '#src/core/operation.ts';
import { DatasetIdParams } from '#src/modules/datasets/index.ts';
import { DescribeSampleResp, ListSamplesQuery, ListSamplesResponse } from '#src/modules/samples/index.ts';
import { Type } from 'typebox';
import { CreateTaskRequest, CreateTaskResponse, ListTasksQuery, ListTasksResponse, StopTaskResponse, TaskDetail, TaskParams } from './schemas.ts';

const tags = ['Auto Labeling Tasks'];

export const AutoSampleParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  dataset_id: Type.String({ minLength: 1, maxLength: 64, description: 'Dataset ID' }),
  sample_id: Type.String({ minLength: 1, maxLength: 64, description: 'Sample ID' }),
});

/** The sample list's query without the state and version filters: the samples awaiting confirmation. */
export const ListAutoSamplesQuery = Type.Omit(ListSamplesQuery, ['sample_state', 'version_id', 'email']);

export const intelligentTaskOperations = {
  ListAutoAnnotationSamples: operation({
    id: 'ListAutoAnnotationSamples',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/auto-annotations/samples',
    tags,
    summary: 'Querying the Auto Labeling Sample List',
    params: DatasetIdParams,
    querystring: ListAutoSamplesQuery,
    responses: { 200: ListSamplesResponse },
  }),
  DescribeAutoAnnotationSample: operation({
    id: 'DescribeAutoAnnotationSample',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/auto-annotations/samples/:sample_id',
    tags,
    summary: 'Querying Details About an Auto Labeling Sample',
    params: AutoSampleParams,
    responses: { 200: DescribeSampleResp },
  }),
  ListTasks: operation({
    id: 'ListTasks',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/tasks',
    tags,
    summary: 'Querying Auto Labeling Tasks by Page',
    params: DatasetIdParams,
    querystring: ListTasksQuery,
    responses: { 200: ListTasksResponse },
  }),
  CreateTask: operation({
    id: 'CreateTask',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/tasks',
    tags,
    summary: 'Starting an Auto Labeling Task',
    params: DatasetIdParams,
    body: CreateTaskRequest,
    responses: { 200: CreateTaskResponse },
  }),
  AutoAnnotationProgress: operation({
    id: 'AutoAnnotationProgress',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/tasks/:task_id',
    tags,
    summary: 'Obtaining Details About an Auto Labeling Task',
    params: TaskParams,
    responses: { 200: TaskDetail },
  }),
  StopAutoAnnotation: operation({
    id: 'StopAutoAnnotation',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/tasks/:task_id/stop',
    tags,
    summary: 'Stopping an Auto Labeling Task',
    params: TaskParams,
    responses: { 200: StopTaskResponse },
  }),
};
