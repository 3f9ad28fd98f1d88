import type { OperationBody, OperationQuery } from '#src/core/operation.ts';
import { notebookOperations as ops } from '#src/modules/notebooks/operations.ts';
import { storageOperations as storageOps } from '#src/modules/notebooks/storage/operations.ts';
import type { HttpClient } from '../http-client.ts';

/** Notebook instances (#80-84), flavors (#86-87), leases (#88-89), start and stop (#90-91), saving as an image (#85), the status history. */
export const notebooksClient = (http: HttpClient) => ({
  list: (query: OperationQuery<typeof ops.ListNotebooks> = {}) => http.op(ops.ListNotebooks, { query }),
  create: (body: OperationBody<typeof ops.CreateNotebook>) => http.op(ops.CreateNotebook, { body }),
  get: (id: string) => http.op(ops.ShowNotebook, { params: { id } }),
  update: (id: string, body: OperationBody<typeof ops.UpdateNotebook>) => http.op(ops.UpdateNotebook, { params: { id }, body }),
  delete: (id: string) => http.op(ops.DeleteNotebook, { params: { id } }),
  flavors: (query: OperationQuery<typeof ops.ListFlavors> = {}) => http.op(ops.ListFlavors, { query }),
  switchableFlavors: (id: string, query: OperationQuery<typeof ops.ShowSwitchableFlavors> = {}) =>
    http.op(ops.ShowSwitchableFlavors, { params: { id }, query }),
  lease: (id: string) => http.op(ops.ShowLease, { params: { id } }),
  renewLease: (id: string, body: OperationBody<typeof ops.RenewLease>, query: OperationQuery<typeof ops.RenewLease> = {}) =>
    http.op(ops.RenewLease, { params: { id }, body, query }),
  start: (id: string, query: OperationQuery<typeof ops.StartNotebook> = {}) => http.op(ops.StartNotebook, { params: { id }, query }),
  stop: (id: string) => http.op(ops.StopNotebook, { params: { id } }),
  /** The status history (an Atelier extension). */
  events: (id: string, query: OperationQuery<typeof ops.ListNotebookEvents> = {}) => http.op(ops.ListNotebookEvents, { params: { id }, query }),
  /** Saves the running instance's environment as an image (#85). */
  createImage: (id: string, body: OperationBody<typeof ops.CreateImage> = {}) => http.op(ops.CreateImage, { params: { id }, body }),
  /** OBS folders mounted on the instance (#92-95). */
  storage: {
    list: (id: string) => http.op(storageOps.ListAttachableObSs, { params: { instance_id: id } }),
    attach: (id: string, body: OperationBody<typeof storageOps.AttachObs>) => http.op(storageOps.AttachObs, { params: { instance_id: id }, body }),
    get: (id: string, storageId: string) => http.op(storageOps.ShowAttachableObs, { params: { instance_id: id, storage_id: storageId } }),
    detach: (id: string, storageId: string) => http.op(storageOps.CancelObs, { params: { instance_id: id, storage_id: storageId } }),
  },
});
