import type { OperationQuery } from '#src/core/operation.ts';
import { poolMetricsOperations as ops } from '#src/modules/pool-metrics/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const poolMetricsClient = (http: HttpClient) => ({
  runtime: () => http.op(ops.ShowPoolRuntimeMetrics, {}),
  monitor: (poolName: string, query: OperationQuery<typeof ops.ShowPoolMonitor> = {}) =>
    http.op(ops.ShowPoolMonitor, { params: { pool_name: poolName }, query }),
});
