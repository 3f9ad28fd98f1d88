import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { poolTagOperations as ops } from '#src/modules/pool-tags/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const poolTagsClient = (http: HttpClient) => ({
  create: (pool: string, body: OperationBody<typeof ops.BatchCreatePoolTags>) => http.op(ops.BatchCreatePoolTags, { params: { pool_name: pool }, body }),
  delete: (pool: string, body: OperationBody<typeof ops.BatchDeletePoolTags>) => http.op(ops.BatchDeletePoolTags, { params: { pool_name: pool }, body }),
  show: (pool: string) => http.op(ops.ShowPoolTags, { params: { pool_name: pool } }),
  listAll: (query: OperationQuery<typeof ops.ListPoolTags> = {}) => http.op(ops.ListPoolTags, { query }),
  filter: (body: OperationBody<typeof ops.ListPoolsByTags>, query: OperationQuery<typeof ops.ListPoolsByTags> = {}) =>
    http.op(ops.ListPoolsByTags, { body, query }),
});
