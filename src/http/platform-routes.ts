import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { metricsText, type Metrics } from './metrics.ts';

const Landing = Type.Object({
  name: Type.String(),
  about: Type.String(),
  docs: Type.String(),
  openapi: Type.String(),
  authentication: Type.String(),
  health: Type.String(),
});

/** What GET / answers: what this server is, and where a newcomer goes next. */
export const landing = {
  name: 'Atelier',
  about: 'A self-hosted AI development platform that serves the ModelArts REST API. Point a ModelArts SDK or client at this address.',
  docs: '/docs',
  openapi: '/openapi.json',
  authentication:
    'Sign requests with an AK/SK (SDK-HMAC-SHA256), or get a token from POST /v3/auth/tokens and send it as X-Auth-Token. ' +
    'The first start saved an AK/SK and a password in <data dir>/credentials.json.',
  health: '/health',
};

/** The landing answer, health, Prometheus metrics and the OpenAPI document: public, outside the ModelArts surface. */
export const platformRoutes: FastifyPluginAsyncTypebox<{ metrics: Metrics }> = async (app, { metrics }) => {
  app.get('/', { config: { public: true }, schema: { operationId: 'Landing', hide: true, response: { 200: Landing } } }, async () => landing);
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
