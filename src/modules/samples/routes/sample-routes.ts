import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { withErrors } from '#src/core/schemas.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import {
  BatchResult,
  DatasetParams,
  DeleteSamplesRequest,
  DescribeSampleQuery,
  DescribeSampleResp,
  ListSamplesQuery,
  ListSamplesResponse,
  ListSearchResponse,
  SampleParams,
  UpdateSamplesRequest,
  UploadSamplesRequest,
  UploadSamplesResponse,
} from '../schemas.ts';
import type { SampleService } from '../service.ts';

const tags = ['Sample Management'];
const base = '/v2/:project_id/datasets/:dataset_id/data-annotations';

/** Who labeled, as the search conditions list labelers: "human/<user name>". */
export const labelerOf = (userName: string): string => `human/${userName}`;

export const sampleRoutes: FastifyPluginAsyncTypebox<{ samples: SampleService }> = async (app, { samples }) => {
  app.get(
    `${base}/samples`,
    {
      schema: {
        operationId: 'ListSamples',
        tags,
        summary: 'Querying the Sample List',
        params: DatasetParams,
        querystring: ListSamplesQuery,
        response: withErrors({ 200: ListSamplesResponse }),
      },
    },
    async (req) => samples.queries.list(principal(req).projectId, req.params.dataset_id, req.query, requestOrigin(req)),
  );

  app.post(
    `${base}/samples`,
    {
      schema: {
        operationId: 'UploadSamplesJson',
        tags,
        summary: 'Adding Samples in Batches',
        params: DatasetParams,
        body: UploadSamplesRequest,
        response: withErrors({ 200: UploadSamplesResponse }),
      },
    },
    async (req) => {
      const p = principal(req);
      return samples.uploads.upload(p.projectId, req.params.dataset_id, req.body, labelerOf(p.userName));
    },
  );

  app.post(
    `${base}/samples/delete`,
    {
      schema: {
        operationId: 'DeleteSamples',
        tags,
        summary: 'Deleting Samples in Batches',
        params: DatasetParams,
        body: DeleteSamplesRequest,
        response: withErrors({ 200: BatchResult }),
      },
    },
    async (req) => samples.labeling.delete(principal(req).projectId, req.params.dataset_id, req.body),
  );

  app.get(
    `${base}/samples/:sample_id`,
    {
      schema: {
        operationId: 'DescribeSample',
        tags,
        summary: 'Querying Details About a Sample',
        params: SampleParams,
        querystring: DescribeSampleQuery,
        response: withErrors({ 200: DescribeSampleResp }),
      },
    },
    async (req) => samples.queries.describe(principal(req).projectId, req.params.dataset_id, req.params.sample_id, requestOrigin(req)),
  );

  app.get(
    `${base}/search-condition`,
    {
      schema: {
        operationId: 'ListSearch',
        tags,
        summary: 'Obtaining Sample Search Criteria',
        params: DatasetParams,
        response: withErrors({ 200: ListSearchResponse }),
      },
    },
    async (req) => samples.queries.searchConditions(principal(req).projectId, req.params.dataset_id),
  );

  app.put(
    `${base}/samples`,
    {
      schema: {
        operationId: 'UpdateSamples',
        tags: ['Manual Labeling'],
        summary: 'Updating Sample Labels in Batches',
        params: DatasetParams,
        body: UpdateSamplesRequest,
        response: withErrors({ 200: BatchResult }),
      },
    },
    async (req) => {
      const p = principal(req);
      return samples.labeling.update(p.projectId, req.params.dataset_id, req.body, labelerOf(p.userName));
    },
  );
};
