import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { modelOperations as ops } from '#src/modules/models/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const modelsClient = (http: HttpClient) => ({
  create: (body: OperationBody<typeof ops.CreateModel>) => http.op(ops.CreateModel, { body }),
  list: (query: OperationQuery<typeof ops.ListModels> = {}) => http.op(ops.ListModels, { query }),
  show: (modelId: string) => http.op(ops.ShowModel, { params: { model_id: modelId } }),
  delete: (modelId: string, query: OperationQuery<typeof ops.DeleteModel> = {}) => http.op(ops.DeleteModel, { params: { model_id: modelId }, query }),
});
