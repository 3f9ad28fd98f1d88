import { operation } from '#src/core/operation.ts';
import { ListWorkloadsQuery, PoolParams, WorkloadList, WorkloadStatistics } from './schemas.ts';

const tags = ['Resource Management'];

export const poolWorkloadOperations = {
  ListWorkloads: operation({
    id: 'ListWorkloads',
    method: 'GET',
    path: '/v2/:project_id/pools/:pool_name/workloads',
    tags,
    summary: 'Obtaining Dedicated Resource Pool Jobs',
    params: PoolParams,
    querystring: ListWorkloadsQuery,
    responses: { 200: WorkloadList },
  }),
  ShowWorkloadStatistics: operation({
    id: 'ShowWorkloadStatistics',
    method: 'GET',
    path: '/v2/:project_id/statistics/pools/:pool_name/workloads',
    tags,
    summary: 'Obtaining Statistics for Dedicated Resource Pool Jobs',
    params: PoolParams,
    responses: { 200: WorkloadStatistics },
  }),
};
