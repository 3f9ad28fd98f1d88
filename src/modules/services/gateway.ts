// The inference gateway: /v1/infers/{service_id}[/...] with the same authentication as every API.
// A request is checked against the chosen model's apis schema, sent to one of its instances and
// answered with what the model returned, or with a 504 when the model takes longer than the
// configured timeout (--infer-timeout).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Ajv, type ValidateFunction } from 'ajv';
import { principal } from '#src/auth/auth-hook.ts';
import type { IdentityService } from '#src/auth/identity-service.ts';
import { apiError, errors } from '#src/core/errors.ts';
import { ErrorBody, withErrors } from '#src/core/schemas.ts';
import { describeValidationError } from '#src/http/validation.ts';
import { jsonSchemaOf, type PackageConfig } from '#src/modules/models/package-config.ts';
import type { ModelService } from '#src/modules/models/service.ts';
import { PredictTimeoutError, UNREACHABLE, type PredictResponse } from '#src/runtime/serving/instance.ts';
import { InferParams } from './schemas.ts';
import type { ServiceManager } from './service.ts';
import type { ServiceStore } from './store.ts';

interface ApiCheck {
  contentType: string;
  validate: ValidateFunction | undefined;
}

const ajv = new Ajv({ strict: false, allErrors: false });

export function registerGateway(
  app: FastifyInstance,
  deps: { manager: ServiceManager; store: ServiceStore; models: ModelService; identity: IdentityService },
): void {
  const { manager, store, models, identity } = deps;
  const owners = new Map<string, string>();
  const checks = new Map<string, ApiCheck | null>();

  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    req.rawBody = body;
    done(null, body);
  });

  async function ownerOf(serviceId: string): Promise<string | undefined> {
    const known = owners.get(serviceId);
    if (known) return known;
    const row = await store.byId(serviceId);
    if (row) owners.set(serviceId, row.project_id);
    return row?.project_id;
  }

  async function checkOf(projectId: string, modelId: string): Promise<ApiCheck | null> {
    if (checks.has(modelId)) return checks.get(modelId)!;
    const m = await models.deployable(projectId, modelId);
    const api = (m?.config as PackageConfig | undefined)?.apis[0];
    let check: ApiCheck | null = null;
    if (api) {
      const schema = jsonSchemaOf(api.request.data) as object;
      check = { contentType: api.request['Content-type'], validate: Object.keys(schema).length > 0 ? ajv.compile(schema) : undefined };
    }
    checks.set(modelId, check);
    return check;
  }

  const handler = async (req: FastifyRequest<{ Params: { service_id: string } }>, reply: FastifyReply) => {
    const caller = principal(req);
    const serviceId = req.params.service_id;
    const projectId = await ownerOf(serviceId);
    // Another project's service is invisible, as if absent.
    if (projectId === undefined) throw apiError(404, 'ModelArts.3502', serviceId);
    if (caller.projectId !== projectId && (caller.projectId !== '' || !(await identity.isMember(projectId, caller.userId)))) {
      throw apiError(404, 'ModelArts.3502', serviceId);
    }
    const started = performance.now();
    const route = manager.host.route(serviceId);
    if (!route) {
      const row = await store.byId(serviceId);
      if (!row) {
        owners.delete(serviceId);
        throw apiError(404, 'ModelArts.3502', serviceId);
      }
      throw apiError(400, 'ModelArts.6327', `(service ${row.service_name} is ${row.status})`);
    }
    const contentType = String(req.headers['content-type'] ?? 'application/json');
    const raw = req.rawBody ?? Buffer.alloc(0);
    const isJson = contentType.startsWith('application/json');
    const check = await checkOf(projectId, route.modelId);
    try {
      if (!isJson && !contentType.startsWith('multipart/form-data')) throw errors.badParam(`header.content-type ${contentType} is not supported; send application/json or multipart/form-data`);
      // The declared schema describes JSON requests; a multipart body goes to the model as files (the
      // guide lets _preprocess take either form).
      if (isJson && check?.contentType === 'application/json' && check.validate && !check.validate(req.body ?? {})) {
        const first = check.validate.errors?.[0];
        throw errors.badParam(first ? describeValidationError('body', first) : 'body does not match the model input schema');
      }
    } catch (e) {
      manager.stats.record(serviceId, route.modelId, false, performance.now() - started);
      throw e;
    }
    // A client that goes away before its answer drops the request to the instance too.
    const client = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) client.abort(new Error('the client closed the connection'));
    };
    reply.raw.once('close', onClose);
    // It may have gone already, while the request was authenticated and parsed.
    if (reply.raw.socket?.destroyed !== false) onClose();
    let res: PredictResponse;
    try {
      res = await route.predict({ contentType, raw, ...(isJson ? { json: req.body ?? {} } : {}) }, client.signal);
    } catch (e) {
      manager.stats.record(serviceId, route.modelId, false, performance.now() - started);
      if (e instanceof PredictTimeoutError) throw apiError(504, 'ModelArts.4503', e.message);
      // Nobody is left to answer.
      if (client.signal.aborted) return reply.hijack();
      throw e;
    } finally {
      reply.raw.off('close', onClose);
    }
    manager.stats.record(serviceId, route.modelId, res.status < 400, performance.now() - started);
    if (res.status === UNREACHABLE) throw apiError(500, 'ModelArts.4503', String(res.body));
    if (res.status >= 500) throw apiError(500, 'ModelArts.6102', `(${String(res.body)})`);
    if (res.status >= 400) throw errors.badParam(String(res.body));
    reply.header('x-model-id', route.modelId);
    if (res.jsonText !== undefined) return reply.type('application/json; charset=utf-8').send(res.jsonText);
    return reply.send(res.body);
  };

  // Not an API of the spec's index: the address the spec's access_address names. Predictions are
  // POSTs; the path below the service id is the model's api url ("/" for the built-in runtimes).
  const schema = (operationId: string) => ({ operationId, tags: ['Service Management'], summary: 'Calling a real-time service', params: InferParams, response: withErrors({ 504: ErrorBody }) });
  app.post('/v1/infers/:service_id', { config: { streamBody: true, passThrough: true }, schema: schema('InferService') }, handler);
  app.post('/v1/infers/:service_id/*', { config: { streamBody: true, passThrough: true }, schema: schema('InferServicePath') }, handler);
}
