import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { networkOperations as ops } from '#src/modules/networks/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const networksClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreateNetwork>) => http.op(ops.CreateNetwork, { body }),
  list: (query: OperationQuery<typeof ops.ListNetworks> = {}) => http.op(ops.ListNetworks, { query }),
  show: (name: string) => http.op(ops.ShowNetwork, { params: { network_name: name } }),
  delete: (name: string) => http.op(ops.DeleteNetwork, { params: { network_name: name } }),
  patch: (name: string, body: OperationBody<typeof ops.PatchNetwork>) =>
    http.op(ops.PatchNetwork, { params: { network_name: name }, body, headers: { 'content-type': 'application/merge-patch+json' } }),
});
