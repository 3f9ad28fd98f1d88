import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { poolOperations as ops } from '#src/modules/pools/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const poolsClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreatePool>) => http.op(ops.CreatePool, { body }),
  list: (query: OperationQuery<typeof ops.ListPools> = {}) => http.op(ops.ListPools, { query }),
  show: (name: string) => http.op(ops.ShowPool, { params: { pool_name: name } }),
  delete: (name: string) => http.op(ops.DeletePool, { params: { pool_name: name } }),
  patch: (name: string, body: OperationBody<typeof ops.PatchPool>) =>
    http.op(ops.PatchPool, { params: { pool_name: name }, body, headers: { 'content-type': 'application/merge-patch+json' } }),
  nodes: (name: string, query: OperationQuery<typeof ops.ListPoolNodes> = {}) => http.op(ops.ListPoolNodes, { params: { pool_name: name }, query }),
  deleteNodes: (name: string, body: OperationBody<typeof ops.BatchDeletePoolNodes>) => http.op(ops.BatchDeletePoolNodes, { params: { pool_name: name }, body }),
  events: (query: OperationQuery<typeof ops.ListEvents>) => http.op(ops.ListEvents, { query }),
  statistics: (query: OperationQuery<typeof ops.ShowPoolStatistics> = {}) => http.op(ops.ShowPoolStatistics, { query }),
});
