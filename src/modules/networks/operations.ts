import { operation } from '#src/core/operation.ts';
import { ProjectParams } from '#src/core/schemas.ts';
import { CreateNetworkRequest, ListNetworksQuery, Network, NetworkList, NetworkParams, PatchNetworkRequest } from './schemas.ts';

const tags = ['Resource Management'];

export const networkOperations = {
  CreateNetwork: operation({
    id: 'CreateNetwork',
    method: 'POST',
    path: '/v1/:project_id/networks',
    tags,
    summary: 'Creating Network Resources',
    params: ProjectParams,
    body: CreateNetworkRequest,
    responses: { 200: Network },
  }),
  ListNetworks: operation({
    id: 'ListNetworks',
    method: 'GET',
    path: '/v1/:project_id/networks',
    tags,
    summary: 'Obtaining Network Resources',
    params: ProjectParams,
    querystring: ListNetworksQuery,
    responses: { 200: NetworkList },
  }),
  ShowNetwork: operation({
    id: 'ShowNetwork',
    method: 'GET',
    path: '/v1/:project_id/networks/:network_name',
    tags,
    summary: 'Obtaining a Network Resource',
    params: NetworkParams,
    responses: { 200: Network },
  }),
  DeleteNetwork: operation({
    id: 'DeleteNetwork',
    method: 'DELETE',
    path: '/v1/:project_id/networks/:network_name',
    tags,
    summary: 'Deleting a Network Resource',
    params: NetworkParams,
    responses: { 200: Network },
  }),
  PatchNetwork: operation({
    id: 'PatchNetwork',
    method: 'PATCH',
    path: '/v1/:project_id/networks/:network_name',
    tags,
    summary: 'Updating a Network Resource',
    params: NetworkParams,
    body: PatchNetworkRequest,
    responses: { 200: Network },
  }),
};
