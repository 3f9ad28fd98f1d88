import { operation } from '#src/core/operation.ts';
import { ProjectParams } from '#src/core/schemas.ts';
import { DeleteImageQuery, ImageDetail, ImageParams, ListImageGroupResponse, ListImageQuery, ListImageResponse, RegisterImageRequest } from './schemas.ts';

const tags = ['DevEnviron'];

export const imageOperations = {
  ListImage: operation({
    id: 'ListImage',
    method: 'GET',
    path: '/v1/:project_id/images',
    tags,
    summary: 'Obtaining Supported Images',
    params: ProjectParams,
    querystring: ListImageQuery,
    responses: { 200: ListImageResponse },
  }),
  RegisterImage: operation({
    id: 'RegisterImage',
    method: 'POST',
    path: '/v1/:project_id/images',
    tags,
    summary: 'Registering a Custom Image',
    params: ProjectParams,
    body: RegisterImageRequest,
    responses: { 200: ImageDetail },
  }),
  ListImageGroup: operation({
    id: 'ListImageGroup',
    method: 'GET',
    path: '/v1/:project_id/images/group',
    tags,
    summary: 'Obtaining User Image Groups',
    params: ProjectParams,
    querystring: ListImageQuery,
    responses: { 200: ListImageGroupResponse },
  }),
  ShowImage: operation({
    id: 'ShowImage',
    method: 'GET',
    path: '/v1/:project_id/images/:id',
    tags,
    summary: 'Obtaining Details About an Image',
    params: ImageParams,
    responses: { 200: ImageDetail },
  }),
  DeleteImage: operation({
    id: 'DeleteImage',
    method: 'DELETE',
    path: '/v1/:project_id/images/:id',
    tags,
    summary: 'Deleting an Image',
    params: ImageParams,
    querystring: DeleteImageQuery,
    responses: { 200: ImageDetail },
  }),
};
