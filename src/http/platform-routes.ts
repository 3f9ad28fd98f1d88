import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { metricsText, type Metrics } from './metrics.ts';

/** Health, Prometheus metrics and the OpenAPI document: public, outside the ModelArts surface. */
export const platformRoutes: FastifyPluginAsyncTypebox<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get(
    '/health',
    {
      config: { public: true },
      schema: { operationId: 'Health', hide: true, response: { 200: Type.Object({ status: Type.String() }) } },
    },
    async () => ({ status: 'ok' }),
  );
  app.get('/metrics', { config: { public: true }, schema: { operationId: 'Metrics', hide: true } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metricsText(metrics);
  });
  app.get('/openapi.json', { config: { public: true }, schema: { operationId: 'OpenApi', hide: true } }, async () => app.swagger());
};
