import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';
import { assertObjectBodies, recordBodies, routesTagged } from '../helpers/object-bodies.ts';

// The wire as the official SDKs and the spec's own examples use it: weight as "70", every 2xx body a
// JSON object, and bounded paging and arrays answered with a 400 naming the field.
let t: TestApp;
let modelA: string;
let modelB: string;
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  modelA = await importModel(t.client, await putPackage(t, 'wire-models', 'a', onnxPackage()), 'wire-linear', '1.0.0');
  modelB = await importModel(
    t.client,
    await putPackage(
      t,
      'wire-models',
      'b',
      onnxPackage(
        [
          [1, -1],
          [-1, 1],
        ],
        [0, 0],
      ),
    ),
    'wire-linear',
    '2.0.0',
  );
});
after(() => t.close());

async function running(client: AtelierClient, id: string) {
  return eventually(`service ${id} running`, async () => {
    const s = await client.services.show(id);
    if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
    return s.status === 'running' ? s : undefined;
  });
}

type CreateBody = Parameters<AtelierClient['services']['create']>[0];

test('weight as in the spec examples ("70", "30", then "100"): taken as numbers, answered as integers', async () => {
  // The multi-version deploy example of #127, as written there.
  const { service_id } = await t.client.services.create({
    service_name: 'weights-as-text',
    description: 'mnist service',
    infer_type: 'real-time',
    config: [
      { model_id: modelA, weight: '70', instance_count: 1, ...small, envs: { model_name: 'mxnet-model-1', load_epoch: '0' } },
      { model_id: modelB, weight: '30', instance_count: 1, ...small },
    ],
  });
  const s = await running(t.client, service_id);
  assert.deepEqual(
    s.config.map((c) => c.weight),
    [70, 30],
    'integers, as the detail tables say',
  );
  assert.deepEqual(
    (await t.client.services.updateLogs(service_id)).logs[0]?.config.map((c) => c.weight),
    [70, 30],
  );
  // The update example of #130.
  await t.client.services.update(service_id, { description: '', config: [{ model_id: modelA, weight: '100', instance_count: 1, ...small }] });
  const updated = await running(t.client, service_id);
  assert.deepEqual(
    updated.config.map((c) => [c.model_id, c.weight]),
    [[modelA, 100]],
  );
  await t.client.services.delete(service_id);
});

test('weight: still validated and bounded as text (digits only, 0-100, summing to 100), nothing stored', async () => {
  const before = (await t.client.services.list()).total_count;
  const create = (weights: unknown[]) =>
    t.client.services.create({
      service_name: 'bad-weight',
      infer_type: 'real-time',
      config: weights.map((weight, i) => ({ model_id: i === 0 ? modelA : modelB, weight, instance_count: 1, ...small })),
    } as CreateBody);
  for (const weight of ['070', '7O', '101', '-1', '', ' 70', '70.0', '1e2', 101, -1, 50.5, true, null]) {
    await assert.rejects(create([weight]), apiFailure(400, 'ModelArts.0104', 'weight'), JSON.stringify(weight));
  }
  await assert.rejects(create(['70', '20']), apiFailure(400, 'ModelArts.0104', 'sum to 100, got 90'));
  await assert.rejects(create(['70', 20]), apiFailure(400, 'ModelArts.0104', 'sum to 100, got 90'));
  const { service_id } = await t.client.services.create({
    service_name: 'mixed',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  await assert.rejects(
    t.client.services.update(service_id, { config: [{ model_id: modelA, weight: '99', instance_count: 1, ...small }] }),
    apiFailure(400, 'ModelArts.0104', 'weight'),
  );
  await t.client.services.delete(service_id);
  assert.equal((await t.client.services.list()).total_count, before);
});

test('paging bounds: a huge offset or limit is a 400 naming the field; "start page" offsets count pages', async () => {
  const lists = ['/v1/{project_id}/services', '/v1/{project_id}/clusters'];
  const { service_id } = await t.client.services.create({
    service_name: 'paged',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  const events = '/v1/{project_id}/services/{service_id}/events';
  for (const path of [...lists, events]) {
    for (const offset of ['9007199254740993', '1e20', '10000001', '-1']) {
      const res = await t.client.http.raw('GET', path, { params: { service_id }, query: { offset } });
      assert.equal(res.status, 400, `${path}?offset=${offset}: ${res.text}`);
      assert.equal((res.json as { error_code: string }).error_code, 'ModelArts.0104');
      assert.match((res.json as { error_msg: string }).error_msg, /offset/);
    }
    const limit = await t.client.http.raw('GET', path, { params: { service_id }, query: { limit: '1e20' } });
    assert.equal(limit.status, 400, `${path}?limit=1e20`);
    assert.match((limit.json as { error_msg: string }).error_msg, /limit/);
    const last = await t.client.http.raw('GET', path, { params: { service_id }, query: { offset: '10000000', limit: '1000' } });
    assert.equal(last.status, 200, `${path}: the largest page is served`);
  }
  // offset is a page number: with limit 1, page 1 is the second record.
  await running(t.client, service_id);
  const all = await t.client.services.events(service_id, { order: 'asc' });
  assert.ok(all.events.length >= 2);
  const second = await t.client.services.events(service_id, { order: 'asc', limit: 1, offset: 1 });
  assert.deepEqual(second.events, [all.events[1]]);
  assert.equal(second.total_count, all.total_count);
  // Event and log time bounds are Numbers in the spec: fractional ones are served, huge ones refused.
  assert.equal((await t.client.services.events(service_id, { start_time: 1.5, end_time: 9e15 })).total_count, all.total_count);
  for (const [path, query] of [
    [events, { start_time: '1e300' }],
    [events, { end_time: '-1' }],
    ['/v1/{project_id}/services/{service_id}/logs', { update_time: '1e300' }],
  ] as const) {
    const res = await t.client.http.raw('GET', path, { params: { service_id }, query });
    assert.equal(res.status, 400, `${path} ${JSON.stringify(query)}: ${res.text}`);
  }
  // The specifications list takes limit and offset as strings of digits, offset counting records.
  const specs = (await t.client.services.specifications()).specifications;
  assert.deepEqual((await t.client.services.specifications({ offset: '1', limit: '1' })).specifications, specs.slice(1, 2));
  for (const query of [{ offset: '99999999999' }, { limit: '0' }, { limit: '1001' }, { offset: '1e3' }]) {
    const res = await t.client.http.raw('GET', '/v1/{project_id}/services/specifications', { query });
    assert.equal(res.status, 400, JSON.stringify(query));
  }
  await t.client.services.delete(service_id);
});

test('request bounds: oversized arrays, maps and numbers are 400s naming the field, nothing stored', async () => {
  const before = (await t.client.services.list()).total_count;
  const many = <T>(n: number, item: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => item(i));
  const one = (patch: Record<string, unknown>) => ({ model_id: modelA, weight: 100, instance_count: 1, ...small, ...patch });
  const cases: [Record<string, unknown>, string][] = [
    [{ config: many(11, () => one({})) }, 'config'],
    [{ config: [one({ nodes: many(101, (i) => `n${i}`) })] }, 'nodes'],
    [{ config: [one({ envs: Object.fromEntries(many(101, (i) => [`E${i}`, 'x'])) })] }, 'envs'],
    [{ config: [one({ envs: { E: 'x'.repeat(4097) } })] }, 'envs'],
    [{ config: [one({ custom_spec: { cpu: 1e20, memory: 128 } })] }, 'cpu'],
    [{ config: [one({ custom_spec: { cpu: 0.1, memory: 1e20 } })] }, 'memory'],
    [
      {
        schedule: [
          { duration: 1, time_unit: 'HOURS', type: 'stop' },
          { duration: 2, time_unit: 'HOURS', type: 'stop' },
        ],
      },
      'schedule',
    ],
    [{ schedule: [{ duration: 1e20, time_unit: 'HOURS', type: 'stop' }] }, 'duration'],
    [{ additional_properties: Object.fromEntries(many(51, (i) => [`p${i}`, 1])) }, 'additional_properties'],
    [{ vpc_id: 'v'.repeat(65) }, 'vpc_id'],
  ];
  for (const [extra, field] of cases) {
    const body = { service_name: 'bounded', infer_type: 'real-time', config: [one({})], ...extra } as CreateBody;
    await assert.rejects(t.client.services.create(body), apiFailure(400, 'ModelArts.0104', field), field);
  }
  assert.equal((await t.client.services.list()).total_count, before);
});

test('every 2xx body of the service routes is a JSON object', async () => {
  const routes = await routesTagged(t.url, ['Service Management']);
  const recorder = recordBodies(t.client);
  const s = t.client.services;
  const { service_id } = await s.create({
    service_name: 'wire',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  await running(t.client, service_id);
  await s.list();
  await s.show(service_id);
  await s.specifications();
  await s.clusters();
  await s.monitor(service_id);
  await s.updateLogs(service_id);
  await s.events(service_id);
  await s.instanceLogs(service_id);
  await s.predict(service_id, { body: { x: [[3, 1]] } });
  await s.update(service_id, { description: 'wire' });
  await s.delete(service_id);
  // Predictions answer with what the model returns, whatever its shape: not held to the rule.
  const predictions = [...routes.keys()].filter((r) => r.includes('/v1/infers/'));
  assert.ok(predictions.length >= 1);
  assertObjectBodies(recorder, routes, predictions);
});
