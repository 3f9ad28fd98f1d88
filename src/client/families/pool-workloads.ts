import type { OperationQuery } from '#src/core/operation.ts';
import { poolWorkloadOperations as ops } from '#src/modules/pool-workloads/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const poolWorkloadsClient = (http: HttpClient) => ({
  list: (pool: string, query: OperationQuery<typeof ops.ListWorkloads> = {}) => http.op(ops.ListWorkloads, { params: { pool_name: pool }, query }),
  statistics: (pool: string) => http.op(ops.ShowWorkloadStatistics, { params: { pool_name: pool } }),
});
