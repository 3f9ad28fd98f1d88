import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { imageOperations as ops } from '#src/modules/images/operations.ts';
import type { HttpClient } from '../http-client.ts';

export const imagesClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof ops.ListImage> = {}) => http.op(ops.ListImage, { query }),
  register: (body: OperationBody<typeof ops.RegisterImage>) => http.op(ops.RegisterImage, { body }),
  groups: (query: OperationQuery<typeof ops.ListImageGroup> = {}) => http.op(ops.ListImageGroup, { query }),
  show: (id: string) => http.op(ops.ShowImage, { params: { id } }),
  delete: (id: string, query: OperationQuery<typeof ops.DeleteImage> = {}) => http.op(ops.DeleteImage, { params: { id }, query }),
});
