import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import { sampleOperations as ops } from '../operations.ts';
import type { SampleSheets } from '../sample-sheet.ts';

export const sheetRoutes: FastifyPluginAsyncTypebox<{ sheets: SampleSheets }> = async (app, { sheets }) => {
  app.route({
    ...routeOf(ops.GetSampleSheet),
    handler: async (req, reply) => {
      const ifNoneMatch = req.headers['if-none-match'];
      // A client gone before the answer (the grid scrolled on) needs none of the previews not made yet.
      const gone = new AbortController();
      reply.raw.once('close', () => {
        if (!reply.raw.writableEnded) gone.abort();
      });
      const sheet = await sheets.sheet(principal(req).projectId, req.params.dataset_id, req.query, ifNoneMatch, gone.signal);
      // The body is a JPEG, not a JSON document of the response schemas (those are the errors').
      const raw = (reply as FastifyReply).headers({
        etag: sheet.etag,
        // Kept by the browser and asked again with its ETag each time: composed again only when an object changed.
        'cache-control': 'private, no-cache',
      });
      if (!sheet.data) return raw.code(304).send();
      return raw
        .code(200)
        .headers({
          'content-type': 'image/jpeg',
          'x-atelier-sheet-columns': String(sheet.columns),
          'x-atelier-sheet-missing': sheet.missing.join(','),
          'x-content-type-options': 'nosniff',
        })
        .send(sheet.data);
    },
  });
};
