import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { ListModelsResponse, ModelDetail, CreateModelResponse, DeleteModelResponse } from '#src/modules/models/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, onnxPackage, putPackage } from './fixtures.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
});
after(() => t.close());

const base = { model_version: '1.0.0', model_type: 'PyTorch' as const };

test('import an ONNX package: publishing -> published, details and list as the spec shapes them', async () => {
  const source = await putPackage(t, 'models-a', 'linear', onnxPackage());
  const created = await t.client.models.create({ ...base, model_name: 'linear', source_location: source, description: 'two classes' });
  assert.ok(Value.Check(CreateModelResponse, created));
  const id = await importModel(t.client, source, 'linear', '1.0.1');
  const m = await t.client.models.show(id);
  assert.ok(Value.Check(ModelDetail, m), JSON.stringify([...Value.Errors(ModelDetail, m)].slice(0, 3)));
  assert.equal(m.model_status, 'published');
  assert.equal(m.runtime, 'onnxruntime');
  assert.equal(m.model_algorithm, 'predict_analysis');
  assert.equal(m.project, t.creds.project_id);
  assert.ok(m.model_size > 0);
  // apis and config are JSON text, as in the spec's example.
  const apis = JSON.parse(m.apis) as { url: string; request: { 'Content-type': string } }[];
  assert.equal(apis[0]?.url, '/');
  assert.equal(apis[0]?.request['Content-type'], 'application/json');
  assert.equal((JSON.parse(m.config) as { runtime: string }).runtime, 'onnxruntime');
  assert.equal(m.input_params[0]?.param_name, 'data');

  const list = await t.client.models.list({ model_name: 'linea' });
  assert.ok(Value.Check(ListModelsResponse, list));
  assert.equal(list.total_count, 2);
  assert.equal(list.count, 2);
  // Newest first by default.
  assert.equal(list.models[0]?.model_version, '1.0.1');
  const paged = await t.client.models.list({ model_name: 'linear', limit: 1, offset: 1, sort_by: 'model_version', order: 'asc' });
  assert.equal(paged.total_count, 2);
  assert.deepEqual(
    paged.models.map((x) => x.model_version),
    ['1.0.1'],
  );
  assert.equal((await t.client.models.list({ model_name: 'linear', model_version: '1.0.1' })).total_count, 1);
  assert.equal((await t.client.models.list({ model_name: 'linear', not_model_type: 'PyTorch' })).total_count, 0);
  assert.equal((await t.client.models.list({ model_name: 'linear', model_type: 'PyTorch', model_status: 'published' })).total_count >= 1, true);
  assert.equal((await t.client.models.list({ description: 'two' })).total_count, 1);
});

test('model_name with "_" matches literally with exact_match=true', async () => {
  const source = await putPackage(t, 'models-a', 'under', onnxPackage());
  await t.client.models.create({ ...base, model_name: 'a_b', source_location: source });
  await t.client.models.create({ ...base, model_name: 'axb', source_location: source });
  assert.equal((await t.client.models.list({ model_name: 'a_b' })).total_count, 2);
  assert.equal((await t.client.models.list({ model_name: 'a_b', exact_match: 'true' })).total_count, 1);
});

test('name and version are unique', async () => {
  const source = await putPackage(t, 'models-a', 'dup', onnxPackage());
  await t.client.models.create({ ...base, model_name: 'dup', source_location: source });
  await assert.rejects(t.client.models.create({ ...base, model_name: 'dup', source_location: source }), apiFailure(409, 'ModelArts.3002'));
});

test('bad packages are refused with a 4xx and nothing is stored', async () => {
  const before = (await t.client.models.list()).total_count;
  const ok = onnxPackage();
  const without = (name: string) => Object.fromEntries(Object.entries(ok).filter(([k]) => k !== name));
  const config = (patch: Record<string, unknown>) => {
    const c = { ...(JSON.parse(String(ok['model/config.json'])) as Record<string, unknown>), ...patch };
    return { ...ok, 'model/config.json': JSON.stringify(c) };
  };
  const cases: [string, Record<string, string | Uint8Array>, string][] = [
    ['no-config', without('model/config.json'), 'ModelArts.3017'],
    ['no-weights', without('model/model.onnx'), 'ModelArts.3017'],
    ['not-json', { ...ok, 'model/config.json': '{"model_type": ' }, 'ModelArts.3015'],
    ['algo-digit', config({ model_algorithm: '1abc' }), 'ModelArts.3015'],
    ['algo-special', config({ model_algorithm: 'a<b' }), 'ModelArts.3015'],
    ['bad-type', config({ model_type: 'Keras' }), 'ModelArts.3015'],
    ['two-apis', config({ apis: [{ url: '/' }, { url: '/' }] }), 'ModelArts.3015'],
    ['api-url', config({ apis: [{ url: '/predict' }] }), 'ModelArts.3015'],
    ['api-ctype', config({ apis: [{ url: '/', request: { 'Content-type': 'text/plain', data: {} } }] }), 'ModelArts.3015'],
    [
      'bad-schema',
      config({ apis: [{ url: '/', request: { 'Content-type': 'application/json', data: { type: 'object', required: 'x' } } }] }),
      'ModelArts.3015',
    ],
    ['restraint', config({ dependencies: [{ installer: 'pip', packages: [{ package_name: 'numpy', package_version: '1.0' }] }] }), 'ModelArts.3015'],
    ['installer', config({ dependencies: [{ installer: 'conda', packages: [] }] }), 'ModelArts.3015'],
    ['unknown-field', config({ flavour: 1 }), 'ModelArts.3016'],
    ['image-no-swr', config({ model_type: 'Image', runtime: undefined }), 'ModelArts.3015'],
  ];
  for (const [name, files, code] of cases) {
    const source = await putPackage(t, 'models-bad', name, files);
    await assert.rejects(t.client.models.create({ ...base, model_name: `bad-${name}`, source_location: source }), apiFailure(400, code), name);
  }
  await assert.rejects(t.client.models.create({ ...base, model_name: 'nowhere', source_location: '/models-bad/absent/' }), apiFailure(400, 'ModelArts.3017'));
  await assert.rejects(t.client.models.create({ ...base, model_name: 'dots', source_location: '/models-bad/../x/' }), apiFailure(400, 'ModelArts.0104'));
  const src = await putPackage(t, 'models-bad', 'fine', ok);
  await assert.rejects(
    t.client.models.create({ ...base, model_name: 'v', model_version: '01.01.01', source_location: src }),
    apiFailure(400, 'ModelArts.0104', 'model_version'),
  );
  await assert.rejects(t.client.models.create({ ...base, model_name: 'v', model_version: '1.0', source_location: src }), apiFailure(400, 'ModelArts.0104'));
  // A Python package whose config names another model type than the request.
  const py = await putPackage(t, 'models-bad', 'py', examplePackage('py-threshold'));
  await assert.rejects(t.client.models.create({ ...base, model_name: 'mismatch', source_location: py }), apiFailure(400, 'ModelArts.3037'));
  // PyTorch packages need customize_service.py.
  const pt = await putPackage(t, 'models-bad', 'pt', {
    'model/config.json': JSON.stringify({ model_type: 'PyTorch', model_algorithm: 'a' }),
    'model/w.pth': 'x',
  });
  await assert.rejects(t.client.models.create({ ...base, model_name: 'pt', source_location: pt }), apiFailure(400, 'ModelArts.3017', 'customize_service.py'));
  await assert.rejects(t.client.models.create({ ...base, model_name: 'tpl', model_type: 'Template', source_location: src }), apiFailure(400, 'ModelArts.3034'));
  assert.equal((await t.client.models.list()).total_count, before);
});

test('initial_config stands for a missing config.json, and is checked the same way', async () => {
  const files = Object.fromEntries(Object.entries(onnxPackage()).filter(([k]) => k !== 'model/config.json'));
  const config = String(onnxPackage()['model/config.json']);
  const source = await putPackage(t, 'models-a', 'initial', files);
  await assert.rejects(
    t.client.models.create({ ...base, model_name: 'initial-none', source_location: source }),
    apiFailure(400, 'ModelArts.3017', 'config.json'),
  );
  await assert.rejects(
    t.client.models.create({ ...base, model_name: 'initial-bad', source_location: source, initial_config: config.replace('predict_analysis', '9x') }),
    apiFailure(400, 'ModelArts.3015'),
  );
  const { model_id } = await t.client.models.create({ ...base, model_name: 'initial-ok', source_location: source, initial_config: config });
  const m = await eventually('published', async () => {
    const d = await t.client.models.show(model_id);
    return d.model_status === 'published' ? d : undefined;
  });
  assert.equal(m.runtime, 'onnxruntime');
});

test('an OBS URL as in the spec example names the bucket in its host', async () => {
  await putPackage(t, 'models-url', 'pkg', onnxPackage());
  const id = await importModel(t.client, 'https://models-url.obs.region.example.com/pkg', 'from-url');
  assert.equal((await t.client.models.show(id)).model_status, 'published');
});

test('another project sees none of these models', async () => {
  const source = await putPackage(t, 'models-a', 'mine', onnxPackage());
  const { model_id } = await t.client.models.create({ ...base, model_name: 'mine', source_location: source });
  const other = await t.newTenant('models-other');
  await assert.rejects(other.models.show(model_id), apiFailure(404, 'ModelArts.3001'));
  await assert.rejects(other.models.delete(model_id), apiFailure(404, 'ModelArts.3001'));
  assert.equal((await other.models.list()).total_count, 0);
  await t.client.models.show(model_id);
});

test('delete one version, or every version with cascade', async () => {
  const source = await putPackage(t, 'models-a', 'casc', onnxPackage());
  const a = await importModel(t.client, source, 'casc', '1.0.0');
  const b = await importModel(t.client, source, 'casc', '1.0.1');
  const c = await importModel(t.client, source, 'casc', '2.0.0');
  const one = await t.client.models.delete(a);
  assert.ok(Value.Check(DeleteModelResponse, one));
  assert.deepEqual(one, { delete_success_list: [a], delete_failed_list: [] });
  await assert.rejects(t.client.models.show(a), apiFailure(404, 'ModelArts.3001'));
  const all = await t.client.models.delete(b, { cascade: true });
  assert.deepEqual(new Set(all.delete_success_list), new Set([b, c]));
  assert.equal((await t.client.models.list({ model_name: 'casc' })).total_count, 0);
  await assert.rejects(t.client.models.delete(b), apiFailure(404, 'ModelArts.3001'));
});

test('a package that vanishes before it is copied leaves the model failed, with the reason', async () => {
  const t2 = await startTestApp();
  try {
    const source = await putPackage(t2, 'models-gone', 'pkg', onnxPackage());
    // No background work yet: the model stays publishing until the worker starts.
    const { model_id } = await t2.client.models.create({ ...base, model_name: 'gone', source_location: source });
    assert.equal((await t2.client.models.show(model_id)).model_status, 'publishing');
    await t2.atelier.context.objectStore.deletePrefix('models-gone', 'pkg/');
    t2.atelier.startBackground();
    const m = await eventually('failed', async () => {
      const d = await t2.client.models.show(model_id);
      return d.model_status === 'failed' ? d : undefined;
    });
    assert.match(m.error_msg ?? '', /model\/ folder/);
    assert.equal((await t2.client.models.list({ model_status: 'failed' })).total_count, 1);
  } finally {
    await t2.close();
  }
});
