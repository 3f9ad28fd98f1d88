import { ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import {
  CreateDevEnvRequest,
  DeleteDevEnvResponse,
  DevEnvAction,
  DevEnvActionResponse,
  DevEnvInstance,
  DevEnvParams,
  ListDevEnvQuery,
  ListDevEnvResponse,
  UpdateDevEnvRequest,
} from './schemas.ts';

const tags = ['DevEnviron (old version)'];

/** The old DevEnviron API (#101-106): development environment instances over the notebooks engine. */
export const devenvOperations = {
  CreateDevEnvInstance: operation({
    id: 'CreateDevEnvInstance',
    method: 'POST',
    path: '/v1/:project_id/demanager/instances',
    tags,
    summary: 'Creating a Development Environment Instance',
    params: ProjectParams,
    body: CreateDevEnvRequest,
    responses: { 200: DevEnvInstance },
  }),
  ListDevEnvInstances: operation({
    id: 'ListDevEnvInstances',
    method: 'GET',
    path: '/v1/:project_id/demanager/instances',
    tags,
    summary: 'Obtaining Development Environment Instances',
    params: ProjectParams,
    querystring: ListDevEnvQuery,
    responses: { 200: ListDevEnvResponse },
  }),
  ShowDevEnvInstance: operation({
    id: 'ShowDevEnvInstance',
    method: 'GET',
    path: '/v1/:project_id/demanager/instances/:instance_id',
    tags,
    summary: 'Obtaining Details About a Development Environment Instance',
    params: DevEnvParams,
    responses: { 200: DevEnvInstance },
  }),
  UpdateDevEnvInstance: operation({
    id: 'UpdateDevEnvInstance',
    method: 'PUT',
    path: '/v1/:project_id/demanager/instances/:instance_id',
    tags,
    summary: 'Modifying the Description of a Development Environment Instance',
    params: DevEnvParams,
    body: UpdateDevEnvRequest,
    responses: { 200: DevEnvInstance },
  }),
  DeleteDevEnvInstance: operation({
    id: 'DeleteDevEnvInstance',
    method: 'DELETE',
    path: '/v1/:project_id/demanager/instances/:instance_id',
    tags,
    summary: 'Deleting a Development Environment Instance',
    params: DevEnvParams,
    responses: { 200: DeleteDevEnvResponse },
  }),
  ManageDevEnvInstance: operation({
    id: 'ManageDevEnvInstance',
    method: 'POST',
    path: '/v1/:project_id/demanager/instances/:instance_id/action',
    tags,
    summary: 'Managing a Development Environment Instance',
    params: DevEnvParams,
    body: DevEnvAction,
    responses: { 200: DevEnvActionResponse },
  }),
};
