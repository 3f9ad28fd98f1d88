import { ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import { OsQuotaResponse, OsUserConfigResponse } from './schemas.ts';

const tags = ['Resource Management'];

export const resourceConfigOperations = {
  ShowOsConfig: operation({
    id: 'ShowOsConfig',
    method: 'GET',
    path: '/v1/:project_id/os-user-config',
    tags,
    summary: 'Querying OS Configuration Parameters',
    params: ProjectParams,
    responses: { 200: OsUserConfigResponse },
  }),
  ShowOsQuota: operation({
    id: 'ShowOsQuota',
    method: 'GET',
    path: '/v1/:project_id/quotas',
    tags,
    summary: 'Querying OS Quotas',
    params: ProjectParams,
    responses: { 200: OsQuotaResponse },
  }),
};
