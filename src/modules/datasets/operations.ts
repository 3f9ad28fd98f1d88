import { Type } from 'typebox';
import { ProjectParams } from '#src/core/schemas.ts';
import { operation } from '#src/core/operation.ts';
import {
  CreateDatasetRequest,
  CreateDatasetResponse,
  DatasetIdParams,
  DatasetResponse,
  DeleteDatasetQuery,
  DescDatasetQuery,
  ListDatasetsQuery,
  ListDatasetsResponse,
  UpdateDatasetRequest,
  UpdateDatasetResponse,
} from './schemas.ts';
import {
  CreateDatasetVersionRequest,
  CreateDatasetVersionResponse,
  DatasetVersion,
  ListDatasetVersionsQuery,
  ListDatasetVersionsResponse,
  VersionParams,
} from './version-schemas.ts';

const tags = ['Dataset Management'];
const versionTags = ['Dataset Version Management'];
const NoContent = Type.Null({ description: 'No Content' });

export const datasetOperations = {
  ListDatasets: operation({
    id: 'ListDatasets',
    method: 'GET',
    path: '/v2/:project_id/datasets',
    tags,
    summary: 'Querying the Dataset List',
    params: ProjectParams,
    querystring: ListDatasetsQuery,
    responses: { 200: ListDatasetsResponse },
  }),
  CreateDataset: operation({
    id: 'CreateDataset',
    method: 'POST',
    path: '/v2/:project_id/datasets',
    tags,
    summary: 'Creating a Dataset',
    params: ProjectParams,
    body: CreateDatasetRequest,
    responses: { 201: CreateDatasetResponse },
  }),
  DescDataset: operation({
    id: 'DescDataset',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id',
    tags,
    summary: 'Querying Details About a Dataset',
    params: DatasetIdParams,
    querystring: DescDatasetQuery,
    responses: { 200: DatasetResponse },
  }),
  UpdateDataset: operation({
    id: 'UpdateDataset',
    method: 'PUT',
    path: '/v2/:project_id/datasets/:dataset_id',
    tags,
    summary: 'Modifying a Dataset',
    params: DatasetIdParams,
    body: UpdateDatasetRequest,
    responses: { 200: UpdateDatasetResponse },
  }),
  DeleteDataset: operation({
    id: 'DeleteDataset',
    method: 'DELETE',
    path: '/v2/:project_id/datasets/:dataset_id',
    tags,
    summary: 'Deleting a Dataset',
    params: DatasetIdParams,
    querystring: DeleteDatasetQuery,
    responses: { 204: NoContent },
  }),
  ListDatasetVersions: operation({
    id: 'ListDatasetVersions',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/versions',
    tags: versionTags,
    summary: 'Querying the Dataset Version List',
    params: DatasetIdParams,
    querystring: ListDatasetVersionsQuery,
    responses: { 200: ListDatasetVersionsResponse },
  }),
  CreateDatasetVersion: operation({
    id: 'CreateDatasetVersion',
    method: 'POST',
    path: '/v2/:project_id/datasets/:dataset_id/versions',
    tags: versionTags,
    summary: 'Creating a Dataset Labeling Version',
    params: DatasetIdParams,
    body: CreateDatasetVersionRequest,
    responses: { 201: CreateDatasetVersionResponse },
  }),
  DescribeDatasetVersion: operation({
    id: 'DescribeDatasetVersion',
    method: 'GET',
    path: '/v2/:project_id/datasets/:dataset_id/versions/:version_id',
    tags: versionTags,
    summary: 'Querying Details About a Dataset Labeling Version',
    params: VersionParams,
    responses: { 200: DatasetVersion },
  }),
  DeleteDatasetVersion: operation({
    id: 'DeleteDatasetVersion',
    method: 'DELETE',
    path: '/v2/:project_id/datasets/:dataset_id/versions/:version_id',
    tags: versionTags,
    summary: 'Deleting a Dataset Labeling Version',
    params: VersionParams,
    responses: { 204: NoContent },
  }),
};
