import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { requestOrigin } from '#src/modules/object-urls/index.ts';
import { sampleOperations as ops } from '../operations.ts';
import type { SampleLabeling } from '../sample-labeling.ts';
import type { SampleQueries } from '../sample-queries.ts';
import type { SampleUploads } from '../sample-upload.ts';

/** Who labeled, as the search conditions list labelers: "human/<user name>". */
export const labelerOf = (userName: string): string => `human/${userName}`;

export interface SampleRouteServices {
  queries: SampleQueries;
  uploads: SampleUploads;
  labeling: SampleLabeling;
}

export const sampleRoutes: FastifyPluginAsyncTypebox<SampleRouteServices> = async (app, { queries, uploads, labeling }) => {
  app.route({
    ...routeOf(ops.ListSamples),
    handler: async (req) => queries.list(principal(req).projectId, req.params.dataset_id, req.query, requestOrigin(req)),
  });

  app.route({
    ...routeOf(ops.UploadSamplesJson),
    handler: async (req) => {
      const p = principal(req);
      return uploads.upload(p.projectId, req.params.dataset_id, req.body, labelerOf(p.userName));
    },
  });

  app.route({
    ...routeOf(ops.DeleteSamples),
    handler: async (req) => labeling.delete(principal(req).projectId, req.params.dataset_id, req.body),
  });

  app.route({
    ...routeOf(ops.DescribeSample),
    handler: async (req) => queries.describe(principal(req).projectId, req.params.dataset_id, req.params.sample_id, requestOrigin(req)),
  });

  app.route({
    ...routeOf(ops.ListSearch),
    handler: async (req) => queries.searchConditions(principal(req).projectId, req.params.dataset_id),
  });

  app.route({
    ...routeOf(ops.UpdateSamples),
    handler: async (req) => {
      const p = principal(req);
      return labeling.update(p.projectId, req.params.dataset_id, req.body, labelerOf(p.userName));
    },
  });
};
