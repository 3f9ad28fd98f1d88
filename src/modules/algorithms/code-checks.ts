// Checks shared by algorithms and training jobs: the code directory and boot file in the object
// store, the engine, the parameters and their constraints.
import { errors } from '#src/core/errors.ts';
import type { ObjectStore } from '#src/storage/object-store.ts';
import { formatObsPath, isInside, parseObsPath, type ObjectPath } from '#src/storage/obs-path.ts';
import { codeErrors } from './errors.ts';
import type { ImageCatalogue, RuntimeImage } from './ports.ts';
import type { CodeTreeNode, Engine, Parameter } from './schemas.ts';

export interface CheckedCode {
  codeDir: ObjectPath;
  bootFile: ObjectPath;
  /** Bytes of the code directory (first MAX_TREE_FILES files). */
  size: number;
  tree: CodeTreeNode[];
}

const MAX_TREE_FILES = 1000;

/**
 * An engine as the checks see it: the names a request gives it by, and the boot files its runtime
 * runs. The engines training finds on the host are these (the port algorithms take them through).
 */
export interface CodeEngine {
  response: { engine_id: string; engine_name: string; engine_version: string };
  extensions: readonly string[];
}

/** Refuses a path the caller's account may not use (the bucket-ownership check). */
export type PathAccess = (path: ObjectPath, field: string) => Promise<void>;

/** code_dir must be an existing folder and boot_file an existing object inside it; `access` is asked before either is read. */
export async function checkCode(
  store: ObjectStore,
  codeDir: string | undefined,
  bootFile: string | undefined,
  field: string,
  access: PathAccess,
): Promise<CheckedCode> {
  if (!codeDir || !bootFile) throw errors.badParam(`${field}.code_dir and ${field}.boot_file are both required`);
  const dir = parseObsPath(codeDir, `${field}.code_dir`);
  if (dir.key === '') throw errors.badParam(`${field}.code_dir: must be a folder inside a bucket, not a bucket`);
  if (!dir.key.endsWith('/')) dir.key += '/';
  const boot = parseObsPath(bootFile, `${field}.boot_file`);
  if (boot.key === '' || boot.key.endsWith('/')) throw errors.badParam(`${field}.boot_file: must name a file`);
  if (!isInside(dir, boot)) throw errors.badParam(`${field}.boot_file: must lie inside ${field}.code_dir`);
  await access(dir, `${field}.code_dir`);
  if (!(await store.exists(dir.bucket, dir.key))) throw codeErrors.pathMissing(`${field}.code_dir`, formatObsPath(dir));
  if (!(await store.head(boot.bucket, boot.key))) throw codeErrors.pathMissing(`${field}.boot_file`, formatObsPath(boot));

  const rootName = `${dir.key.split('/').filter(Boolean).pop() ?? dir.bucket}/`;
  const root: CodeTreeNode = { name: rootName, children: [] };
  let size = 0;
  let files = 0;
  let token: string | undefined;
  do {
    const page = await store.list(dir.bucket, { prefix: dir.key, ...(token ? { continuationToken: token } : {}) });
    for (const o of page.objects) {
      if (files >= MAX_TREE_FILES) break;
      const rel = o.key.slice(dir.key.length);
      if (rel === '') continue;
      size += o.size;
      files++;
      addToTree(root, rel.split('/'));
    }
    token = files >= MAX_TREE_FILES ? undefined : page.nextContinuationToken;
  } while (token);
  return { codeDir: dir, bootFile: boot, size, tree: [root] };
}

function addToTree(node: CodeTreeNode, parts: string[]): void {
  const [head, ...rest] = parts;
  if (head === undefined || head === '') return;
  node.children ??= [];
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    const name = rest.length === 0 ? head : `${head}/`;
    if (!node.children.some((c) => c.name === name)) node.children.push(rest.length === 0 ? { name } : { name, children: [] });
    return;
  }
  let child = node.children.find((c) => c.name === `${head}/`);
  if (!child) {
    child = { name: `${head}/`, children: [] };
    node.children.push(child);
  }
  addToTree(child, rest);
}

/** A container image reference (registry/repo:tag), which needs a container runtime this host does not have. */
const CONTAINER_REFERENCE = /^[a-z0-9][\w.-]*(?::\d+)?(?:\/[\w.-]+)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$/i;

/**
 * engine.image_url when the engine is named by an image; undefined when it is named by engine_id or
 * engine_name. The spec offers the three as alternatives, so image_url with either of the others is refused.
 */
export function imageUrlOf(engine: Engine | undefined, field: string): string | undefined {
  if (!engine?.image_url) return undefined;
  if (engine.engine_id || engine.engine_name || engine.engine_version) {
    throw errors.badParam(`${field}: give engine_id, engine_name and engine_version, or image_url, not both`);
  }
  return engine.image_url;
}

/**
 * The image image_url names: an image of the project's DevEnviron catalogue by ID or swr_path.
 * A container reference is refused (4907) as no container runtime runs here; any other unknown value is a 400 naming the field.
 */
export async function resolveImage(images: ImageCatalogue, projectId: string, ref: string, field: string): Promise<RuntimeImage> {
  const image = ref.includes('\0') ? undefined : await images.image(projectId, ref);
  if (image) return image;
  if (!ref.startsWith('/') && (ref.includes('/') || ref.includes(':')) && CONTAINER_REFERENCE.test(ref)) throw codeErrors.containerImage(field, ref);
  throw errors.badParam(`${field}: no image ${ref} in this project; give the id or swr_path of an image GET /v1/{project_id}/images lists`);
}

/** The engine asked for, by engine_id or engine_name + engine_version; image_url is resolved by resolveImage instead. */
export function resolveEngine<E extends CodeEngine>(engines: readonly E[], engine: Engine | undefined, field: string): E {
  if (engine?.engine_id) {
    const e = engines.find((x) => x.response.engine_id === engine.engine_id);
    if (!e) throw codeErrors.unknownEngine(`${field}.engine_id`, engine.engine_id);
    return e;
  }
  if (engine?.engine_name) {
    const candidates = engines.filter((x) => x.response.engine_name === engine.engine_name);
    const e = engine.engine_version ? candidates.find((x) => x.response.engine_version === engine.engine_version) : candidates[0];
    if (!e) throw codeErrors.unknownEngine(`${field}.engine_name`, `${engine.engine_name} ${engine.engine_version ?? ''}`.trim());
    return e;
  }
  throw errors.badParam(`${field}: engine_id, or engine_name and engine_version, is required`);
}

/** An image runs Python: its boot file must be a .py file. */
export function checkImageBootFile(image: RuntimeImage, boot: ObjectPath, field: string): void {
  if (!boot.key.endsWith('.py')) throw errors.badParam(`${field}.boot_file: image ${image.name} runs .py files with its python`);
}

export function checkBootFileRuntime(engine: CodeEngine, boot: ObjectPath, field: string): void {
  if (!engine.extensions.some((ext) => boot.key.endsWith(ext))) {
    throw errors.badParam(`${field}.boot_file: engine ${engine.response.engine_id} runs ${engine.extensions.join(', ')} files`);
  }
}

const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Names present and unique; each value within its constraint. `final`: values are about to be used. */
export function checkParameters(params: readonly Parameter[], field: string, final: boolean): void {
  const seen = new Set<string>();
  params.forEach((p, i) => {
    const where = `${field}[${i}]`;
    if (!p.name || !/^[A-Za-z0-9_.-]+$/.test(p.name)) throw errors.badParam(`${where}.name: 1-128 letters, digits, "_", "-" or "."`);
    if (seen.has(p.name)) throw errors.badParam(`${where}.name: ${p.name} appears twice`);
    seen.add(p.name);
    const value = p.value ?? '';
    const c = p.constraint;
    if (value === '') {
      if (final && c?.required) throw errors.badParam(`${where}.value: parameter ${p.name} is required`);
      return;
    }
    const type = (c?.type ?? 'String').toLowerCase();
    if (type === 'integer' && !INT.test(value)) throw errors.badParam(`${where}.value: ${p.name} must be an integer`);
    if (type === 'float' && !FLOAT.test(value)) throw errors.badParam(`${where}.value: ${p.name} must be a number`);
    if (type === 'boolean' && value !== 'true' && value !== 'false') throw errors.badParam(`${where}.value: ${p.name} must be true or false`);
    const range = c?.valid_range ?? [];
    const validType = (c?.valid_type ?? 'None').toLowerCase();
    if (validType === 'choice' && range.length > 0 && !range.includes(value)) {
      throw errors.badParam(`${where}.value: ${p.name} must be one of ${range.join(', ')}`);
    }
    if (validType === 'range' && range.length === 2) {
      const [lo, hi] = range.map(Number) as [number, number];
      const v = Number(value);
      if (!Number.isFinite(v) || v < lo || v > hi) throw errors.badParam(`${where}.value: ${p.name} must lie in [${lo}, ${hi}]`);
    }
  });
}

/** Channel names unique within inputs and outputs together (they become --name=path arguments). */
export function checkChannels(inputs: readonly { name: string }[], outputs: readonly { name: string }[], field: string): void {
  const seen = new Set<string>();
  for (const [kind, list] of [
    ['inputs', inputs],
    ['outputs', outputs],
  ] as const) {
    list.forEach((c, i) => {
      if (seen.has(c.name)) throw errors.badParam(`${field}.${kind}[${i}].name: ${c.name} appears twice`);
      seen.add(c.name);
    });
  }
}
