// CreateModel of model_type Image from a container image reference, on the local executor: the request is checked
// whole (the reference's shape naming source_location, initial_config as a package's config.json naming
// initial_config), then refused because this host has no container runtime. Nothing is stored on any refusal. The
// kubernetes executor's side (the import, the service, the gateway) is test/runtime/kubernetes/image-model-apis.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
});
after(() => t.close());

const IMAGE = 'swr.cn-north-4.myhuaweicloud.com/team/shelf:1.0';
const config = {
  model_type: 'Image',
  model_algorithm: 'shelf',
  apis: [{ protocol: 'http', url: '/items', method: 'get', request: { 'Content-type': 'application/json' }, response: { 'Content-type': 'application/json' } }],
};
/** `initial_config` null: none is sent. */
const request = (source_location: string, initial_config: string | null = JSON.stringify(config)) => ({
  model_name: 'shelf',
  model_version: '1.0.0',
  model_type: 'Image' as const,
  source_location,
  ...(initial_config !== null ? { initial_config } : {}),
});

test('a reference that is not a container image reference is refused naming source_location', async () => {
  const bad = [
    'swr.example.com/Team/shelf:1.0',
    'swr.example.com/team/shelf:1.0 latest',
    'swr.example.com/team/../shelf:1.0',
    'swr..example.com/team/shelf:1.0',
    'swr.example.com/team/shelf@sha256:1234',
    'swr.example.com/team/shelf::1',
    `swr.example.com/team/${'a'.repeat(250)}:1`,
  ];
  for (const ref of bad) await assert.rejects(t.client.models.create(request(ref)), apiFailure(400, 'ModelArts.3037', 'source_location'), ref);
  // NUL is refused in any field before the request reaches the models family.
  await assert.rejects(t.client.models.create(request(`${IMAGE}\u0000`)), apiFailure(400, 'ModelArts.0104', 'source_location'));
  assert.equal((await t.client.models.list()).total_count, 0);
});

test('initial_config is required, must be a valid config.json, declare apis and name no other image; errors name it', async () => {
  const refusals: [string | null, string, string][] = [
    [null, 'ModelArts.3015', 'is required'],
    ['{"model_type": "Image",', 'ModelArts.3015', 'not valid JSON'],
    [JSON.stringify({ ...config, apis: undefined }), 'ModelArts.3015', 'declares no apis'],
    [JSON.stringify({ ...config, apis: [] }), 'ModelArts.3015', 'declares no apis'],
    [JSON.stringify({ ...config, apis: [{ url: '/items', method: 'patch' }] }), 'ModelArts.3015', 'apis[0].method'],
    [JSON.stringify({ ...config, swr_location: 'swr.example.com/team/other:2' }), 'ModelArts.3015', 'not the image of source_location'],
    [JSON.stringify({ ...config, flavour: 'x' }), 'ModelArts.3016', 'initial_config flavour'],
  ];
  for (const [initial, code, says] of refusals) {
    const refused = t.client.models.create(request(IMAGE, initial));
    await assert.rejects(refused, (e: unknown) => apiFailure(400, code, 'initial_config')(e) && apiFailure(400, code, says)(e));
  }
  // A config of another model type is no Image model.
  await assert.rejects(
    t.client.models.create(request(IMAGE, JSON.stringify({ ...config, model_type: 'PyTorch', apis: [{ url: '/' }] }))),
    apiFailure(400, 'ModelArts.3037', 'initial_config says PyTorch'),
  );
  assert.equal((await t.client.models.list()).total_count, 0);
});

test('a valid image reference is refused on the local executor: this host has no container runtime', async () => {
  await assert.rejects(t.client.models.create(request(IMAGE)), apiFailure(400, 'ModelArts.3037', 'container runtime'));
  await assert.rejects(
    t.client.models.create({ ...request(`registry.example:5000/shelf@sha256:${'ab'.repeat(32)}`), source_copy: 'false' }),
    apiFailure(400, 'ModelArts.3037', '--executor kubernetes'),
  );
  assert.equal((await t.client.models.list()).total_count, 0);
  // Other model types still take OBS folders only: a reference is no OBS path.
  await assert.rejects(t.client.models.create({ ...request(IMAGE), model_type: 'PyTorch' }), apiFailure(400, 'ModelArts.0104', 'source_location'));
});
