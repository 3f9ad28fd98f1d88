import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { authorizationOperations as ops } from '#src/modules/authorizations/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const authorizationsClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof ops.GetAuthorizations> = {}) => http.op(ops.GetAuthorizations, { query }),
  create: (body: OperationBody<typeof ops.CreateAuthorization>) => http.op(ops.CreateAuthorization, { body }),
  delete: (query: OperationQuery<typeof ops.DeleteAuthorizations> = {}) => http.op(ops.DeleteAuthorizations, { query }),
  createAgency: (body: OperationBody<typeof ops.CreateModelArtsAgency> = {}) => http.op(ops.CreateModelArtsAgency, { body }),
});
