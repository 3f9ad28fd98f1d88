import { EmptyObject, ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import { AlgorithmParams, AlgorithmRequest, AlgorithmResponse, ChangeAlgorithmRequest, ListAlgorithmsQuery, ListAlgorithmsResponse } from './schemas.ts';

const tags = ['Algorithm Management'];

/** Algorithm management (#107-111). */
export const algorithmOperations = {
  CreateAlgorithm: operation({
    id: 'CreateAlgorithm',
    method: 'POST',
    path: '/v2/:project_id/algorithms',
    tags,
    summary: 'Creating an Algorithm',
    params: ProjectParams,
    body: AlgorithmRequest,
    responses: { 201: AlgorithmResponse },
  }),
  ListAlgorithms: operation({
    id: 'ListAlgorithms',
    method: 'GET',
    path: '/v2/:project_id/algorithms',
    tags,
    summary: 'Obtaining Algorithms',
    params: ProjectParams,
    querystring: ListAlgorithmsQuery,
    responses: { 200: ListAlgorithmsResponse },
  }),
  ShowAlgorithmByUuid: operation({
    id: 'ShowAlgorithmByUuid',
    method: 'GET',
    path: '/v2/:project_id/algorithms/:algorithm_id',
    tags,
    summary: 'Obtaining Details About an Algorithm',
    params: AlgorithmParams,
    responses: { 200: AlgorithmResponse },
  }),
  ChangeAlgorithm: operation({
    id: 'ChangeAlgorithm',
    method: 'PUT',
    path: '/v2/:project_id/algorithms/:algorithm_id',
    tags,
    summary: 'Updating an Algorithm',
    params: AlgorithmParams,
    body: ChangeAlgorithmRequest,
    // The spec answers an update with 201.
    responses: { 201: AlgorithmResponse },
  }),
  DeleteAlgorithm: operation({
    id: 'DeleteAlgorithm',
    method: 'DELETE',
    path: '/v2/:project_id/algorithms/:algorithm_id',
    tags,
    summary: 'Deleting an Algorithm',
    params: AlgorithmParams,
    // The spec shows a null body; the official Node.js SDK fails on null, so the body is {}.
    responses: { 202: EmptyObject },
  }),
};
