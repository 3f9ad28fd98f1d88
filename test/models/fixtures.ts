// Model packages for tests: the examples' packages, written into the object store.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { buildLinearModel, EXAMPLE_BIAS, EXAMPLE_WEIGHTS } from '../../examples/models/onnx-linear/build-model.ts';

export const EXAMPLES = fileURLToPath(new URL('../../examples/models/', import.meta.url));

export type Files = Record<string, string | Uint8Array>;

function readTree(dir: string, prefix = ''): Files {
  const out: Files = {};
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, readTree(p, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(p);
  }
  return out;
}

/** The files of examples/models/<name>/ (paths relative to the package folder, e.g. model/config.json). */
export function examplePackage(name: string): Files {
  return readTree(join(EXAMPLES, name));
}

/** The ONNX example with other weights (so two versions answer differently). */
export function onnxPackage(weights = EXAMPLE_WEIGHTS, bias = EXAMPLE_BIAS): Files {
  return { ...examplePackage('onnx-linear'), 'model/model.onnx': buildLinearModel(weights, bias) };
}

/** Writes the package under /bucket/folder/ and returns that OBS path. */
export async function putPackage(t: TestApp, bucket: string, folder: string, files: Files): Promise<string> {
  const store = t.atelier.context.objectStore;
  await store.ensureBucket(bucket);
  for (const [rel, body] of Object.entries(files)) {
    await store.put(bucket, `${folder}/${rel}`, typeof body === 'string' ? body : Buffer.from(body));
  }
  return `/${bucket}/${folder}/`;
}

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Imports a package and waits until the model is published. */
export async function importModel(
  client: AtelierClient,
  source: string,
  name: string,
  version = '1.0.0',
  modelType: 'PyTorch' | 'Scikit_Learn' = 'PyTorch',
): Promise<string> {
  const { model_id } = await client.models.create({ model_name: name, model_version: version, source_location: source, model_type: modelType });
  await eventually(`model ${name} published`, async () => {
    const m = await client.models.show(model_id);
    if (m.model_status === 'failed') throw new Error(`model failed: ${m.error_msg}`);
    return m.model_status === 'published' ? m : undefined;
  });
  return model_id;
}
