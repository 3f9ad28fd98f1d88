import { ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import {
  CreateModelRequest,
  CreateModelResponse,
  DeleteModelQuery,
  DeleteModelResponse,
  ListModelsQuery,
  ListModelsResponse,
  ModelDetail,
  ModelParams,
} from './schemas.ts';

const tags = ['Model Management'];

export const modelOperations = {
  CreateModel: operation({
    id: 'CreateModel',
    method: 'POST',
    path: '/v1/:project_id/models',
    tags,
    summary: 'Importing a Model',
    params: ProjectParams,
    body: CreateModelRequest,
    responses: { 200: CreateModelResponse },
  }),
  ListModels: operation({
    id: 'ListModels',
    method: 'GET',
    path: '/v1/:project_id/models',
    tags,
    summary: 'Obtaining Models',
    params: ProjectParams,
    querystring: ListModelsQuery,
    responses: { 200: ListModelsResponse },
  }),
  ShowModel: operation({
    id: 'ShowModel',
    method: 'GET',
    path: '/v1/:project_id/models/:model_id',
    tags,
    summary: 'Viewing Details About a Model',
    params: ModelParams,
    responses: { 200: ModelDetail },
  }),
  DeleteModel: operation({
    id: 'DeleteModel',
    method: 'DELETE',
    path: '/v1/:project_id/models/:model_id',
    tags,
    summary: 'Deleting a Model',
    params: ModelParams,
    querystring: DeleteModelQuery,
    responses: { 200: DeleteModelResponse },
  }),
};
