import { operation } from '#src/core/operation.ts';
import { ProjectParams } from '#src/core/schemas.ts';
import { PoolMetricsList, PoolMonitor, PoolMonitorParams, PoolMonitorQuery } from './schemas.ts';

const tags = ['Resource Management'];

export const poolMetricsOperations = {
  ShowPoolRuntimeMetrics: operation({
    id: 'ShowPoolRuntimeMetrics',
    method: 'GET',
    path: '/v2/:project_id/metrics/runtime/pools',
    tags,
    summary: 'Obtaining the Real-Time Resource Usage',
    params: ProjectParams,
    responses: { 200: PoolMetricsList },
  }),
  ShowPoolMonitor: operation({
    id: 'ShowPoolMonitor',
    method: 'GET',
    path: '/v2/:project_id/pools/:pool_name/monitor',
    tags,
    summary: 'Monitoring a Resource Pool',
    params: PoolMonitorParams,
    querystring: PoolMonitorQuery,
    responses: { 200: PoolMonitor },
  }),
};
