import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { workforceOperations as ops } from '#src/modules/workforces/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const workforcesClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof ops.ListWorkforces> = {}) => http.op(ops.ListWorkforces, { query }),
  create: (body: OperationBody<typeof ops.CreateWorkforce>) => http.op(ops.CreateWorkforce, { body }),
  describe: (workforceId: string) => http.op(ops.DescWorkforce, { params: { workforce_id: workforceId } }),
  update: (workforceId: string, body: OperationBody<typeof ops.UpdateWorkforce>) =>
    http.op(ops.UpdateWorkforce, { params: { workforce_id: workforceId }, body }),
  delete: (workforceId: string) => http.op(ops.DeleteWorkforce, { params: { workforce_id: workforceId } }),
  listAllWorkers: (query: OperationQuery<typeof ops.ListAllWorkers> = {}) => http.op(ops.ListAllWorkers, { query }),
  listWorkers: (workforceId: string, query: OperationQuery<typeof ops.ListWorkers> = {}) =>
    http.op(ops.ListWorkers, { params: { workforce_id: workforceId }, query }),
  createWorker: (workforceId: string, body: OperationBody<typeof ops.CreateWorker>) =>
    http.op(ops.CreateWorker, { params: { workforce_id: workforceId }, body }),
  batchDeleteWorkers: (workforceId: string, workers: string[]) => http.op(ops.BatchDeleteWorkers, { params: { workforce_id: workforceId }, body: { workers } }),
  describeWorker: (workforceId: string, workerId: string) => http.op(ops.DescWorker, { params: { workforce_id: workforceId, worker_id: workerId } }),
  updateWorker: (workforceId: string, workerId: string, body: OperationBody<typeof ops.UpdateWorker>) =>
    http.op(ops.UpdateWorker, { params: { workforce_id: workforceId, worker_id: workerId }, body }),
  deleteWorker: (workforceId: string, workerId: string) => http.op(ops.DeleteWorker, { params: { workforce_id: workforceId, worker_id: workerId } }),
  acceptInvitation: (token: string, password: string) => http.op(ops.AcceptWorkerInvitation, { params: { token }, body: { password } }),
});
