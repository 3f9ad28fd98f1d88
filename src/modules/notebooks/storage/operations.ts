import { operation } from '#src/core/operation.ts';
import { AttachObsRequest, DataVolumeRes, InstanceParams, ListMountsResponse, StorageParams } from './schemas.ts';

const tags = ['DevEnviron'];

/** OBS folders mounted on notebook instances (#92-95). */
export const storageOperations = {
  ListAttachableObSs: operation({
    id: 'ListAttachableObSs',
    method: 'GET',
    path: '/v1/:project_id/notebooks/:instance_id/storage',
    tags,
    summary: 'Obtaining the Notebook Instances with OBS Storage Mounted',
    params: InstanceParams,
    responses: { 200: ListMountsResponse },
  }),
  AttachObs: operation({
    id: 'AttachObs',
    method: 'POST',
    path: '/v1/:project_id/notebooks/:instance_id/storage',
    tags,
    summary: 'OBS Storage Mounting',
    params: InstanceParams,
    body: AttachObsRequest,
    responses: { 200: DataVolumeRes },
  }),
  ShowAttachableObs: operation({
    id: 'ShowAttachableObs',
    method: 'GET',
    path: '/v1/:project_id/notebooks/:instance_id/storage/:storage_id',
    tags,
    summary: 'Obtaining Details About a Notebook Instance with OBS Storage Mounted',
    params: StorageParams,
    responses: { 200: DataVolumeRes },
  }),
  CancelObs: operation({
    id: 'CancelObs',
    method: 'DELETE',
    path: '/v1/:project_id/notebooks/:instance_id/storage/:storage_id',
    tags,
    summary: 'Unmounting OBS Storage from a Notebook Instance',
    params: StorageParams,
    responses: { 200: DataVolumeRes },
  }),
};
