// The inference gateway behind /v1/infers/{service_id}[/...]: a request is checked against the
// chosen model's apis schema, sent to one of its instances and answered with what the model
// returned, or with a 504 when the model takes longer than the configured timeout (--infer-timeout).
// An Image model's image answers each api its config declares at its own path and with its own method
// (post, get, put or delete): the path below the service id and the request's method name it; other
// models answer POST at "/" whatever that path.
import { Ajv, type ValidateFunction } from 'ajv';
import type { IdentityService } from '#src/auth/identity-service.ts';
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { describeValidationError } from '#src/http/validation.ts';
import { jsonSchemaOf } from '#src/modules/models/index.ts';
import { PredictTimeoutError, UNREACHABLE, type PredictCaller, type PredictRequest, type PredictResponse } from '#src/runtime/serving/instance.ts';
import { forwardingAgent, storedRoute } from './endpoints.ts';
import { isImageModel } from './image-models.ts';
import { serviceErrors } from './errors.ts';
import type { DeployableModels } from './ports.ts';
import type { ServiceManager } from './service-manager.ts';
import type { ServiceStore } from './store.ts';

export type InferMethod = NonNullable<PredictRequest['method']>;

/** Where an Image model's request goes: its api's path (with the query), scheme and method. */
type Target = Pick<PredictRequest, 'path' | 'tls' | 'method'>;

interface ApiCheck {
  url: string;
  method: InferMethod;
  contentType: string;
  validate: ValidateFunction | undefined;
  /** The model's server speaks HTTPS for this api (an Image model's api of protocol https). */
  tls: boolean;
}

/** What the gateway knows of a model's apis: an Image model's image answers each of its apis at its own path. */
interface ModelApis {
  image: boolean;
  name: string;
  apis: ApiCheck[];
  /** An Image model whose config declares no apis at all: its image answers whatever path it serves. */
  open: boolean;
}

/** A call as the gateway route received it. `path`: the path below the service id, decoded; `query`: "?..." or "". */
export interface InferCall {
  method: InferMethod;
  contentType: string;
  body: unknown;
  /** Bytes of the body as sent (0 for none). */
  size: number;
  path?: string;
  query: string;
}

const hasBody = (method: InferMethod) => method === 'POST' || method === 'PUT';
const methodOf = (declared: string): InferMethod => declared.toUpperCase() as InferMethod;

/** Checks a POST or PUT body against the api's declared request schema. */
function checkBody(check: ApiCheck | undefined, contentType: string, body: unknown): void {
  const isJson = contentType.startsWith('application/json');
  if (!isJson && !contentType.startsWith('multipart/form-data'))
    throw errors.badParam(`header.content-type ${contentType} is not supported; send application/json or multipart/form-data`);
  // The declared schema describes JSON requests; a multipart body goes to the model as files (the
  // guide lets _preprocess take either form).
  if (isJson && check?.contentType === 'application/json' && check.validate && !check.validate(body ?? {})) {
    const first = check.validate.errors?.[0];
    throw errors.badParam(first ? describeValidationError('body', first) : 'body does not match the model input schema');
  }
}

/** A prediction admitted by the gateway: the service, the model its traffic split chose, and how to call it. */
export interface Admitted {
  serviceId: string;
  modelId: string;
  started: number;
  predict(request: PredictRequest, caller: PredictCaller): Promise<PredictResponse>;
}

const ajv = new Ajv({ strict: false, allErrors: false });

export class InferenceGateway {
  private readonly owners = new Map<string, string>();
  private readonly checks = new Map<string, ModelApis | null>();
  private readonly agent = forwardingAgent();

  constructor(
    private readonly manager: ServiceManager,
    private readonly store: ServiceStore,
    private readonly models: DeployableModels,
    private readonly identity: IdentityService,
  ) {}

  private async ownerOf(serviceId: string): Promise<string | undefined> {
    const known = this.owners.get(serviceId);
    if (known) return known;
    const row = await this.store.byId(serviceId);
    if (row) this.owners.set(serviceId, row.project_id);
    return row?.project_id;
  }

  private async apisOf(projectId: string, modelId: string): Promise<ModelApis | null> {
    if (this.checks.has(modelId)) return this.checks.get(modelId)!;
    const m = await this.models.deployable(projectId, modelId);
    let known: ModelApis | null = null;
    if (m) {
      const image = isImageModel(m);
      // Other models answer one api, a POST at "/": the first declared one describes their input.
      const declared = image ? m.config.apis : m.config.apis.slice(0, 1);
      const apis = declared.map((api): ApiCheck => {
        const method = image ? methodOf(api.method) : 'POST';
        const schema = hasBody(method) ? (jsonSchemaOf(api.request.data) as object) : {};
        const validate = Object.keys(schema).length > 0 ? ajv.compile(schema) : undefined;
        return { url: api.url, method, contentType: api.request['Content-type'], validate, tls: image && api.protocol === 'https' };
      });
      known = { image, name: `${m.name} ${m.version}`, apis, open: image && m.config.apis.length === 0 };
    }
    this.checks.set(modelId, known);
    return known;
  }

  /**
   * The api a request goes to: for an Image model, the one at the path below the service id with the request's method,
   * which it must declare; other models answer POST only.
   */
  private apiFor(model: ModelApis | null, call: InferCall): { api: ApiCheck | undefined; target: Target } {
    const { method } = call;
    if (!model?.image) {
      if (method !== 'POST') throw errors.badParam(`method ${method} is not an api of ${model ? `model ${model.name}` : 'this model'}; it answers POST only`);
      return { api: model?.apis[0], target: {} };
    }
    // The router hands the path decoded; it goes to the image encoded again, with the caller's query.
    const wanted = `/${(call.path ?? '').replace(/^\/+/, '')}`;
    const sent = encodeURI(wanted) + call.query;
    // An image whose config declares no apis is called at any path with any method, over plain HTTP as in the guide's examples.
    if (model.open) return { api: undefined, target: { path: sent, method } };
    const api = model.apis.find((a) => a.url === wanted && a.method === method);
    if (!api) {
      const declared = model.apis.map((a) => `${a.method} ${a.url}`).join(', ');
      throw errors.badParam(`${method} ${wanted} is not an api of model ${model.name}; its apis are ${declared || 'none'}`);
    }
    return { api, target: { path: sent, tls: api.tls, method } };
  }

  /** Finds the caller's running service and checks the request against the chosen model's api. */
  async admit(caller: Principal, serviceId: string, call: InferCall): Promise<Admitted> {
    const projectId = await this.ownerOf(serviceId);
    // Another project's service is invisible, as if absent.
    if (projectId === undefined) throw serviceErrors.notFound(serviceId);
    if (caller.projectId !== projectId && (caller.projectId !== '' || !(await this.identity.isMember(projectId, caller.userId)))) {
      throw serviceErrors.notFound(serviceId);
    }
    const started = performance.now();
    let route = this.manager.host.route(serviceId);
    if (!route) {
      const row = await this.store.byId(serviceId);
      if (!row) {
        this.owners.delete(serviceId);
        throw serviceErrors.notFound(serviceId);
      }
      // The cluster's ready pods answer; else instances another replica on this host runs, through the ports it recorded.
      route = this.manager.cluster ? this.manager.cluster.route(row) : storedRoute(row, this.agent, this.manager.host.predictTimeoutMs);
      if (!route) throw serviceErrors.notRunning(`service ${row.service_name} is ${row.status}`);
    }
    const model = await this.apisOf(projectId, route.modelId);
    let target: Target = {};
    try {
      const chosen = this.apiFor(model, call);
      target = chosen.target;
      const check = chosen.api;
      if (hasBody(call.method)) checkBody(check, call.contentType, call.body);
      else if (call.size > 0) throw errors.badParam(`body: a ${call.method} api takes no body`);
    } catch (e) {
      this.manager.stats.record(serviceId, route.modelId, false, performance.now() - started);
      throw e;
    }
    const to = route;
    // Only an Image model's request carries where it goes; the others' go as they came.
    const predict: Admitted['predict'] =
      target.path === undefined ? (request, c) => to.predict(request, c) : (request, c) => to.predict({ ...request, ...target }, c);
    return { serviceId, modelId: route.modelId, started, predict };
  }

  /**
   * Sends an admitted request to its instance and returns the model's answer, or throws the error
   * the client gets. Undefined when the client went away before the answer (nobody is left to answer).
   */
  async predict(call: Admitted, request: PredictRequest, caller: PredictCaller): Promise<PredictResponse | undefined> {
    const { serviceId, modelId, started } = call;
    let res: PredictResponse;
    try {
      res = await call.predict(request, caller);
    } catch (e) {
      this.manager.stats.record(serviceId, modelId, false, performance.now() - started);
      if (e instanceof PredictTimeoutError) throw serviceErrors.predictionTimeout(e.message);
      if (caller.aborted) return undefined;
      throw e;
    }
    this.manager.stats.record(serviceId, modelId, res.status < 400, performance.now() - started);
    // A custom image's error may be any JSON: it is passed on as its text, not as "[object Object]".
    const said = () => (typeof res.body === 'string' ? res.body : res.body === undefined ? '' : JSON.stringify(res.body));
    if (res.status === UNREACHABLE) throw serviceErrors.modelUnreachable(said());
    if (res.status >= 500) throw serviceErrors.modelFailed(said());
    if (res.status >= 400) throw errors.badParam(said());
    return res;
  }
}
