import { ProjectParams, ResultBody } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import {
  CreateAgencyRequest,
  CreateAgencyResponse,
  CreateAuthorizationRequest,
  DeleteAuthorizationsQuery,
  ListAuthorizationsQuery,
  ListAuthorizationsResponse,
} from './schemas.ts';

const tags = ['Authorization Management'];

export const authorizationOperations = {
  GetAuthorizations: operation({
    id: 'GetAuthorizations',
    method: 'GET',
    path: '/v2/:project_id/authorizations',
    tags,
    summary: 'Viewing an Authorization List',
    params: ProjectParams,
    querystring: ListAuthorizationsQuery,
    responses: { 200: ListAuthorizationsResponse },
  }),
  CreateAuthorization: operation({
    id: 'CreateAuthorization',
    method: 'POST',
    path: '/v2/:project_id/authorizations',
    tags,
    summary: 'Configuring Authorization',
    params: ProjectParams,
    body: CreateAuthorizationRequest,
    responses: { 200: ResultBody },
  }),
  DeleteAuthorizations: operation({
    id: 'DeleteAuthorizations',
    method: 'DELETE',
    path: '/v2/:project_id/authorizations',
    tags,
    summary: 'Deleting Authorization',
    params: ProjectParams,
    querystring: DeleteAuthorizationsQuery,
    responses: { 200: ResultBody },
  }),
  CreateModelArtsAgency: operation({
    id: 'CreateModelArtsAgency',
    method: 'POST',
    path: '/v2/:project_id/agency',
    tags,
    summary: 'Creating a ModelArts Agency',
    params: ProjectParams,
    body: CreateAgencyRequest,
    responses: { 200: CreateAgencyResponse },
  }),
};
