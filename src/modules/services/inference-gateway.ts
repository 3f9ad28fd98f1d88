// The inference gateway behind /v1/infers/{service_id}[/...]: a request is checked against the
// chosen model's apis schema, sent to one of its instances and answered with what the model
// returned, or with a 504 when the model takes longer than the configured timeout (--infer-timeout).
// An Image model's image answers each api its config declares at its own path: the path below the
// service id names it; other models answer at "/" whatever that path.
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

interface ApiCheck {
  url: string;
  contentType: string;
  validate: ValidateFunction | undefined;
  /** The model's server speaks HTTPS for this api (an Image model's api of protocol https). */
  tls: boolean;
}

/** What the gateway knows of a model's apis: an Image model's image answers each of its POST apis at its own path. */
interface ModelApis {
  image: boolean;
  name: string;
  apis: ApiCheck[];
  /** An Image model whose config declares no apis at all: its image answers whatever path it serves. */
  open: boolean;
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
      // Other models answer one api, at "/": the first declared one describes their input.
      const declared = image ? m.config.apis.filter((a) => a.method === 'post') : m.config.apis.slice(0, 1);
      const apis = declared.map((api): ApiCheck => {
        const schema = jsonSchemaOf(api.request.data) as object;
        const validate = Object.keys(schema).length > 0 ? ajv.compile(schema) : undefined;
        return { url: api.url, contentType: api.request['Content-type'], validate, tls: image && api.protocol === 'https' };
      });
      known = { image, name: `${m.name} ${m.version}`, apis, open: image && m.config.apis.length === 0 };
    }
    this.checks.set(modelId, known);
    return known;
  }

  /** The api a request goes to: for an Image model, the one at the path below the service id, which it must declare. */
  private apiFor(model: ModelApis | null, path: string | undefined, query: string): { api: ApiCheck | undefined; target: { path?: string; tls?: boolean } } {
    if (!model?.image) return { api: model?.apis[0], target: {} };
    // The router hands the path decoded; it goes to the image encoded again, with the caller's query.
    const wanted = `/${(path ?? '').replace(/^\/+/, '')}`;
    const sent = encodeURI(wanted) + query;
    // An image whose config declares no apis is called at any path, over plain HTTP as in the guide's examples.
    if (model.open) return { api: undefined, target: { path: sent } };
    const api = model.apis.find((a) => a.url === wanted);
    if (!api) {
      const urls = model.apis.map((a) => a.url).join(', ');
      throw errors.badParam(`path ${wanted} is not a POST api of model ${model.name}; ${urls ? `its POST apis are ${urls}` : 'it declares no POST api'}`);
    }
    return { api, target: { path: sent, tls: api.tls } };
  }

  /** Finds the caller's running service and checks the request against the chosen model's input schema. */
  /** `path`: the path below the service id, decoded; `query`: the request's query ("?..." or ""). */
  async admit(caller: Principal, serviceId: string, contentType: string, body: unknown, path?: string, query = ''): Promise<Admitted> {
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
    const isJson = contentType.startsWith('application/json');
    const model = await this.apisOf(projectId, route.modelId);
    let target: { path?: string; tls?: boolean } = {};
    try {
      const chosen = this.apiFor(model, path, query);
      target = chosen.target;
      const check = chosen.api;
      if (!isJson && !contentType.startsWith('multipart/form-data'))
        throw errors.badParam(`header.content-type ${contentType} is not supported; send application/json or multipart/form-data`);
      // The declared schema describes JSON requests; a multipart body goes to the model as files (the
      // guide lets _preprocess take either form).
      if (isJson && check?.contentType === 'application/json' && check.validate && !check.validate(body ?? {})) {
        const first = check.validate.errors?.[0];
        throw errors.badParam(first ? describeValidationError('body', first) : 'body does not match the model input schema');
      }
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
