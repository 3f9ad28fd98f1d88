import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principal } from '#src/auth/auth-hook.ts';
import { routeOf } from '#src/http/operation-route.ts';
import type { InferMethod } from '../inference-gateway.ts';
import { serviceOperations as ops } from '../operations.ts';
import type { ServiceRouteDeps } from './deps.ts';

/**
 * The inference gateway: /v1/infers/{service_id}[/...] with the same authentication as every API. POST is the
 * spec's; GET, PUT and DELETE reach the apis an Image model's config declares with those methods.
 * The body reaches the model as it was sent (streamBody), and the model's answer goes back as it
 * came, outside the response check (passThrough).
 */
export function gatewayRoutes(app: FastifyInstance, { gateway }: Pick<ServiceRouteDeps, 'gateway'>): void {
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    done(null, body);
  });

  const handler = async (req: FastifyRequest<{ Params: { service_id: string; '*'?: string } }>, reply: FastifyReply) => {
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    const q = req.url.indexOf('?');
    const raw = req.rawBody ?? Buffer.alloc(0);
    // Fastify answers HEAD with the GET route's handler, and drops the body it sends.
    const method = (req.method === 'HEAD' ? 'GET' : req.method) as InferMethod;
    const path = req.params['*'];
    const call = await gateway.admit(principal(req), req.params.service_id, {
      method,
      contentType,
      body: req.body,
      size: raw.length,
      ...(path !== undefined ? { path } : {}),
      query: q < 0 ? '' : req.url.slice(q),
    });
    const isJson = contentType.startsWith('application/json');
    // A client that goes away before its answer drops the request to the instance too.
    const client: { aborted: boolean; reason?: Error } = { aborted: false };
    const onClose = () => {
      if (reply.raw.writableFinished) return;
      client.aborted = true;
      client.reason = new Error('the client closed the connection');
    };
    reply.raw.once('close', onClose);
    // It may have gone already, while the request was authenticated and parsed.
    if (reply.raw.socket?.destroyed !== false) onClose();
    let res;
    try {
      res = await gateway.predict(call, { contentType, raw, ...(isJson ? { json: req.body ?? {} } : {}) }, client);
    } finally {
      reply.raw.off('close', onClose);
    }
    // Nobody is left to answer.
    if (!res) return reply.hijack();
    reply.header('x-model-id', call.modelId);
    if (res.jsonText !== undefined) return reply.type('application/json; charset=utf-8').send(res.jsonText);
    return reply.send(res.body);
  };

  const config = { streamBody: true, passThrough: true };
  for (const op of [
    ops.InferService,
    ops.InferServicePath,
    ops.InferServiceGet,
    ops.InferServicePathGet,
    ops.InferServicePut,
    ops.InferServicePathPut,
    ops.InferServiceDelete,
    ops.InferServicePathDelete,
  ])
    app.route({ ...routeOf(op), config, handler });
}
