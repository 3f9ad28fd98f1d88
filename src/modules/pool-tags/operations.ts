import { Type } from 'typebox';
import { operation } from '#src/core/operation.ts';
import { ProjectParams } from '#src/core/schemas.ts';
import {
  BatchCreatePoolTagsRequest,
  BatchDeletePoolTagsRequest,
  ListPoolsByTagsQuery,
  ListPoolsByTagsRequest,
  ListPoolTagsQuery,
  PoolParams,
  PoolResources,
  PoolTagList,
  ProjectTagList,
} from './schemas.ts';

const tags = ['Resource Management'];
const NoContent = Type.Null({ description: 'No Content' });

// Create and delete answer 204 No Content as the spec says (its examples show a body, which a 204
// cannot carry). ShowPoolTags is a read whose spec also says 204; it answers 200 so the list arrives.
export const poolTagOperations = {
  BatchCreatePoolTags: operation({
    id: 'BatchCreatePoolTags',
    method: 'POST',
    path: '/v1/:project_id/pools/:pool_name/tags/create',
    tags,
    summary: 'Creating Resource Pool Tags in Batches',
    params: PoolParams,
    body: BatchCreatePoolTagsRequest,
    responses: { 204: NoContent },
  }),
  BatchDeletePoolTags: operation({
    id: 'BatchDeletePoolTags',
    method: 'DELETE',
    path: '/v1/:project_id/pools/:pool_name/tags/delete',
    tags,
    summary: 'Deleting Resource Pool Tags in Batches',
    params: PoolParams,
    body: BatchDeletePoolTagsRequest,
    responses: { 204: NoContent },
  }),
  ListPoolTags: operation({
    id: 'ListPoolTags',
    method: 'GET',
    path: '/v1/:project_id/pools/tags',
    tags,
    summary: 'Querying All Tags of Resource Pools',
    params: ProjectParams,
    querystring: ListPoolTagsQuery,
    responses: { 200: ProjectTagList },
  }),
  ShowPoolTags: operation({
    id: 'ShowPoolTags',
    method: 'GET',
    path: '/v1/:project_id/pools/:pool_name/tags',
    tags,
    summary: 'Querying Tags of a Resource Pool',
    params: PoolParams,
    responses: { 200: PoolTagList },
  }),
  ListPoolsByTags: operation({
    id: 'ListPoolsByTags',
    method: 'POST',
    path: '/v1/:project_id/pools/resource-instances/filter',
    tags,
    summary: 'Querying Resource Pools by Tag',
    params: ProjectParams,
    querystring: ListPoolsByTagsQuery,
    body: ListPoolsByTagsRequest,
    responses: { 200: PoolResources },
  }),
};
