// The model package's config.json, checked against the rules of the guide ("Specifications for
// Compiling the Model Configuration File"). Pure: text in, a normalized config or an ApiError out.
import { Ajv } from 'ajv';
import { modelErrors } from './errors.ts';

export const PACKAGE_MODEL_TYPES = ['TensorFlow', 'MXNet', 'Caffe', 'Spark_MLlib', 'Scikit_Learn', 'XGBoost', 'PyTorch', 'MindSpore', 'Image'] as const;
export type PackageModelType = (typeof PACKAGE_MODEL_TYPES)[number];

/** The runtime name that selects the native ONNX server (any model_type). */
export const ONNX_RUNTIME = 'onnxruntime';

export interface ConfigApi {
  protocol: string;
  url: string;
  method: string;
  request: { 'Content-type': string; data: Record<string, unknown> };
  response: { 'Content-type': string; data: Record<string, unknown> };
}

export interface ConfigPackage {
  package_name: string;
  package_version?: string;
  restraint?: string;
}

export interface PackageConfig {
  model_algorithm: string;
  model_type: PackageModelType;
  runtime?: string;
  swr_location?: string;
  metrics?: Record<string, number>;
  apis: ConfigApi[];
  dependencies: { installer: string; packages: ConfigPackage[] }[];
  health?: { url: string; protocol?: string; initial_delay_seconds?: string; timeout_seconds?: string };
}

const SPECIAL = /[&!'"<>=]/;
const KNOWN_FIELDS = new Set([
  'model_algorithm',
  'model_type',
  'runtime',
  'swr_location',
  'metrics',
  'apis',
  'dependencies',
  'health',
  'precision',
  'model_source',
  'tunable',
  'downloadable_flag',
  'algorithm',
]);
const CONTENT_TYPES = ['application/json', 'multipart/form-data'];

// Types the guide uses in apis schemas that JSON Schema does not know: "file" is a multipart part.
const EXTRA_TYPES = new Set(['file', 'box']);

const schemaChecker = new Ajv({ strict: false, allErrors: false, validateSchema: true });

/** A rule the config breaks; parsePackageConfig turns it into the ModelArts error naming where the text came from. */
class ConfigProblem extends Error {
  constructor(
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const bad = (detail: string) => new ConfigProblem(undefined, detail);
const unsupported = (field: string, detail: string) => new ConfigProblem(field, detail);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The apis data schema with the guide's extra types ("file") made acceptable to a JSON Schema validator. */
export function jsonSchemaOf(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(jsonSchemaOf);
  if (!isObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'type' && typeof v === 'string' && EXTRA_TYPES.has(v)) continue;
    // The guide's examples misspell "items" as "item" in places; it is not a keyword and is ignored.
    out[k] = k === 'properties' && isObject(v) ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, jsonSchemaOf(s)])) : jsonSchemaOf(v);
  }
  return out;
}

function text(v: unknown, field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
  if (v === undefined || v === null) {
    if (opts.required) throw bad(`${field} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw unsupported(field, 'must be a string');
  if (opts.max !== undefined && v.length > opts.max) throw bad(`${field} is longer than ${opts.max} characters`);
  return v;
}

function checkApi(raw: unknown, i: number, modelType: PackageModelType): ConfigApi {
  const at = `apis[${i}]`;
  if (!isObject(raw)) throw unsupported(at, 'must be an object');
  const protocol = (text(raw.protocol, `${at}.protocol`) ?? 'https').toLowerCase();
  if (protocol !== 'http' && protocol !== 'https') throw bad(`${at}.protocol must be http or https`);
  const url = text(raw.url, `${at}.url`) ?? '/';
  if (modelType !== 'Image' && url !== '/') throw bad(`${at}.url must be "/" for model_type ${modelType}`);
  if (!url.startsWith('/')) throw bad(`${at}.url must start with "/"`);
  const method = (text(raw.method, `${at}.method`) ?? 'post').toLowerCase();
  if (!['post', 'get', 'put', 'delete'].includes(method)) throw bad(`${at}.method must be post, get, put or delete`);
  const part = (name: 'request' | 'response') => {
    const p = raw[name];
    if (p === undefined) return { 'Content-type': 'application/json', data: {} };
    if (!isObject(p)) throw unsupported(`${at}.${name}`, 'must be an object');
    const contentType = text(p['Content-type'], `${at}.${name}.Content-type`) ?? 'application/json';
    // The guide's own examples write "applicaton/json" for responses; only the request's type is enforced.
    if (name === 'request' && !CONTENT_TYPES.includes(contentType)) throw bad(`${at}.request.Content-type must be application/json or multipart/form-data`);
    const data = p.data ?? {};
    if (!isObject(data)) throw unsupported(`${at}.${name}.data`, 'must be a JSON schema object');
    try {
      schemaChecker.compile(jsonSchemaOf(data) as object);
    } catch (e) {
      throw bad(`${at}.${name}.data is not a valid JSON schema: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { 'Content-type': contentType, data };
  };
  return { protocol, url, method, request: part('request'), response: part('response') };
}

function checkDependencies(raw: unknown): PackageConfig['dependencies'] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw unsupported('dependencies', 'must be an array');
  return raw.map((d, i) => {
    const at = `dependencies[${i}]`;
    if (!isObject(d)) throw unsupported(at, 'must be an object');
    if (d.installer !== 'pip') throw bad(`${at}.installer must be pip`);
    if (!Array.isArray(d.packages)) throw bad(`${at}.packages is required`);
    const packages = d.packages.map((p, j): ConfigPackage => {
      const pat = `${at}.packages[${j}]`;
      if (!isObject(p)) throw unsupported(pat, 'must be an object');
      const name = text(p.package_name, `${pat}.package_name`, { required: true })!;
      if (name.trim() === '' || SPECIAL.test(name)) throw bad(`${pat}.package_name must be a name without &!'"<>=`);
      const version = text(p.package_version, `${pat}.package_version`) || undefined;
      if (version !== undefined && SPECIAL.test(version)) throw bad(`${pat}.package_version cannot hold &!'"<>=`);
      const restraint = text(p.restraint, `${pat}.restraint`) || undefined;
      if (version !== undefined && restraint === undefined) throw bad(`${pat}.restraint is required with package_version`);
      if (restraint !== undefined && !['EXACT', 'ATLEAST', 'ATMOST'].includes(restraint)) throw bad(`${pat}.restraint must be EXACT, ATLEAST or ATMOST`);
      return { package_name: name, ...(version ? { package_version: version } : {}), ...(restraint ? { restraint } : {}) };
    });
    return { installer: 'pip', packages };
  });
}

export interface ConfigSource {
  /** Names the text in errors: config.json, or initial_config when the request gave it. */
  origin?: string;
  /** The image the model was imported from (an image reference as source_location): it stands for swr_location. */
  image?: string;
}

/** Parses and checks config.json; the result carries defaults filled in. */
export function parsePackageConfig(source: string, { origin = 'config.json', image }: ConfigSource = {}): PackageConfig {
  try {
    return parseConfig(source, image);
  } catch (e) {
    if (!(e instanceof ConfigProblem)) throw e;
    throw e.field === undefined ? modelErrors.badConfig(origin, e.detail) : modelErrors.unsupportedConfig(`${origin} ${e.field}`, e.detail);
  }
}

function parseConfig(source: string, image: string | undefined): PackageConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (e) {
    throw bad(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(raw)) throw bad('must hold a JSON object');
  for (const k of Object.keys(raw)) if (!KNOWN_FIELDS.has(k)) throw unsupported(k, 'unknown field');

  const algorithm = text(raw.model_algorithm, 'model_algorithm', { required: true, max: 36 })!;
  if (!/^[A-Za-z]/.test(algorithm)) throw bad('model_algorithm must start with a letter');
  if (SPECIAL.test(algorithm)) throw bad(`model_algorithm cannot hold &!'"<>=`);

  const type = text(raw.model_type, 'model_type', { required: true })!;
  const modelType = PACKAGE_MODEL_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
  if (!modelType) throw bad(`model_type ${type} is not one of ${PACKAGE_MODEL_TYPES.join(', ')}`);

  const runtime = text(raw.runtime, 'runtime', { max: 64 });
  const named = text(raw.swr_location, 'swr_location');
  // The guide: a model imported from an image needs no swr_location; one that names another image is a mistake.
  if (image !== undefined && named !== undefined && named !== image) throw bad(`swr_location ${named} is not the image of source_location ${image}`);
  const swr = image ?? named;
  if (modelType === 'Image' && !swr) throw bad('swr_location is required when model_type is Image');

  let metrics: Record<string, number> | undefined;
  if (raw.metrics !== undefined) {
    if (!isObject(raw.metrics)) throw unsupported('metrics', 'must be an object');
    metrics = {};
    for (const [k, v] of Object.entries(raw.metrics)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw unsupported(`metrics.${k}`, 'must be a number');
      metrics[k] = v;
    }
  }

  if (raw.apis !== undefined && !Array.isArray(raw.apis)) throw unsupported('apis', 'must be an array');
  const apis = ((raw.apis as unknown[] | undefined) ?? []).map((a, i) => checkApi(a, i, modelType));
  if (modelType !== 'Image' && apis.length > 1) throw bad(`only one api (url "/") can be declared for model_type ${modelType}`);

  let health: PackageConfig['health'];
  if (raw.health !== undefined) {
    if (!isObject(raw.health)) throw unsupported('health', 'must be an object');
    const url = text(raw.health.url, 'health.url', { required: true })!;
    health = {
      url,
      ...(raw.health.protocol !== undefined ? { protocol: text(raw.health.protocol, 'health.protocol')! } : {}),
      ...(raw.health.initial_delay_seconds !== undefined ? { initial_delay_seconds: String(raw.health.initial_delay_seconds) } : {}),
      ...(raw.health.timeout_seconds !== undefined ? { timeout_seconds: String(raw.health.timeout_seconds) } : {}),
    };
  }

  return {
    model_algorithm: algorithm,
    model_type: modelType,
    ...(runtime ? { runtime } : {}),
    ...(swr ? { swr_location: swr } : {}),
    ...(metrics ? { metrics } : {}),
    apis,
    dependencies: checkDependencies(raw.dependencies),
    ...(health ? { health } : {}),
  };
}

/** Which weight files the guide requires in model/ for a model type; undefined when none are needed. */
export function weightsProblem(modelType: PackageModelType, runtime: string | undefined, files: string[], hasCode: boolean): string | undefined {
  const has = (re: RegExp) => files.some((f) => re.test(f));
  if (runtime === ONNX_RUNTIME) return has(/\.onnx$/i) ? undefined : 'model/ holds no .onnx file (runtime onnxruntime)';
  switch (modelType) {
    case 'TensorFlow':
      return has(/(^|\/)saved_model\.pbtxt?$/) || has(/\.(pb|h5|keras)$/) ? undefined : 'model/ holds no saved_model.pb (TensorFlow)';
    case 'PyTorch':
      if (!hasCode) return 'model/customize_service.py is mandatory for PyTorch';
      return has(/\.(pth|pt)$/) ? undefined : 'model/ holds no .pth or .pt file (PyTorch)';
    case 'Caffe':
      return has(/\.prototxt$/) && has(/\.caffemodel$/) ? undefined : 'model/ needs a .prototxt and a .caffemodel file (Caffe)';
    case 'XGBoost':
    case 'Scikit_Learn':
      return has(/\.(m|pkl|joblib)$/) ? undefined : `model/ holds no .m model file (${modelType})`;
    case 'MXNet':
      return has(/\.params$/) ? undefined : 'model/ holds no .params file (MXNet)';
    case 'Spark_MLlib':
      return has(/^spark_model\//) ? undefined : 'model/spark_model/ is missing (Spark_MLlib)';
    case 'MindSpore':
      return has(/\.(ckpt|mindir|om)$/) ? undefined : 'model/ holds no .ckpt file (MindSpore)';
    case 'Image':
      return undefined;
  }
}

/** The apis array as the detail's `apis` and input_params/output_params present them. */
export function inferParamsOf(apis: ConfigApi[], part: 'request' | 'response') {
  return apis.map((a) => ({
    protocol: a.protocol,
    method: a.method,
    url: a.url,
    param_name: 'data',
    param_type: 'object',
    param_desc: JSON.stringify(a[part].data),
  }));
}
