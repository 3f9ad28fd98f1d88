import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { devenvOperations as ops } from '#src/modules/devenv/operations.ts';
import type { HttpClient } from '../http-client.ts';

/** The old DevEnviron API (#101-106). */
export const devenvClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreateDevEnvInstance>) => http.op(ops.CreateDevEnvInstance, { body }),
  list: (query: OperationQuery<typeof ops.ListDevEnvInstances>) => http.op(ops.ListDevEnvInstances, { query }),
  get: (instance_id: string) => http.op(ops.ShowDevEnvInstance, { params: { instance_id } }),
  update: (instance_id: string, body: OperationBody<typeof ops.UpdateDevEnvInstance>) => http.op(ops.UpdateDevEnvInstance, { params: { instance_id }, body }),
  delete: (instance_id: string) => http.op(ops.DeleteDevEnvInstance, { params: { instance_id } }),
  action: (instance_id: string, action: 'start' | 'stop') => http.op(ops.ManageDevEnvInstance, { params: { instance_id }, body: { action } }),
});
