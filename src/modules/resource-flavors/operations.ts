import { ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import { ListResourceFlavorsQuery, ListResourceFlavorsResponse } from './schemas.ts';

const tags = ['Resource Management'];

/** The resource flavors of this host (#156). */
export const resourceFlavorOperations = {
  ListResourceFlavors: operation({
    id: 'ListResourceFlavors',
    method: 'GET',
    path: '/v1/:project_id/resourceflavors',
    tags,
    summary: 'Obtaining Resource Flavors',
    params: ProjectParams,
    querystring: ListResourceFlavorsQuery,
    responses: { 200: ListResourceFlavorsResponse },
  }),
};
