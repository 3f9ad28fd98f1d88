// The objects ShowModel answers back as they were sent (model_docs, dependencies and their packages,
// input_params, output_params) take only their declared fields: an undeclared key is a 400 naming
// it, and nothing is stored. apis and template are read, never kept.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { onnxPackage, putPackage } from './fixtures.ts';

let t: TestApp;
let source: string;

before(async () => {
  t = await startTestApp();
  source = await putPackage(t, 'models-objects', 'pkg', onnxPackage());
});
after(() => t.close());

type Json = Record<string, unknown>;
const param = (extra: Json = {}) => ({ protocol: 'http', method: 'post', url: '/', param_name: 'data', param_type: 'string', ...extra });
const body = (name: string, extra: Json) => ({ model_name: name, model_version: '1.0.0', model_type: 'PyTorch', source_location: source, ...extra });
const create = (b: Json) => t.client.http.call<{ model_id: string }>('POST', '/v1/{project_id}/models', { body: b });

test('undeclared keys in kept objects are refused; nothing is stored', async () => {
  const cases: [string, Json, string][] = [
    ['docs', { model_docs: [{ doc_url: 'https://example.com/a', doc_name: 'guide', lang: 'en' }] }, 'body.model_docs.0.lang'],
    ['input', { input_params: [param({ default: 1 })] }, 'body.input_params.0.default'],
    ['output', { output_params: [param({ unit: 'x' })] }, 'body.output_params.0.unit'],
    ['deps', { dependencies: [{ installer: 'pip', packages: [], mirror: 'x' }] }, 'body.dependencies.0.mirror'],
    ['packages', { dependencies: [{ installer: 'pip', packages: [{ package_name: 'numpy', hash: 'x' }] }] }, 'body.dependencies.0.packages.0.hash'],
  ];
  for (const [name, extra, field] of cases) await assert.rejects(create(body(name, extra)), apiFailure(400, 'ModelArts.0104', field), name);
  assert.equal((await t.client.models.list()).total_count, 0);
});

test('the same objects without the stray keys are kept and answered back as sent', async () => {
  const docs = [{ doc_url: 'https://example.com/a', doc_name: 'guide' }];
  const { model_id } = await create(body('clean', { model_docs: docs, input_params: [param()], apis: [{ url: '/', note: 'read, not kept' }] }));
  const m = await t.client.models.show(model_id);
  assert.deepEqual(m.model_docs, docs);
  assert.deepEqual(m.input_params, [param()]);
  assert.equal(m.apis.includes('not kept'), false);
});
