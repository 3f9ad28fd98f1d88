import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { ServiceDetail } from '#src/modules/services/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

let t: TestApp;
let onnxModel: string;
let pyModel: string;
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  onnxModel = await importModel(t.client, await putPackage(t, 'batch-models', 'onnx', onnxPackage()), 'lin');
  pyModel = await importModel(t.client, await putPackage(t, 'batch-models', 'py', examplePackage('py-threshold')), 'iris', '1.0.0', 'Scikit_Learn');
});
after(() => t.close());

const read = (bucket: string, key: string) => t.atelier.context.objectStore.readText(bucket, key, 1 << 20);

async function finished(id: string, status = 'finished') {
  return eventually(
    `batch ${id} ${status}`,
    async () => {
      const s = await t.client.services.show(id);
      if (s.status === 'failed' && status !== 'failed') throw new Error(`batch failed: ${s.error_msg}`);
      return s.status === status ? s : undefined;
    },
    30_000,
  );
}

test('a batch over a folder writes one result per file and a manifest, and finishes with counts', async () => {
  const store = t.atelier.context.objectStore;
  await store.ensureBucket('batch-data');
  await store.put('batch-data', 'in/a.json', JSON.stringify({ x: [[3, 1]] }));
  await store.put(
    'batch-data',
    'in/b.json',
    JSON.stringify({
      x: [
        [0, 2],
        [5, 4],
      ],
    }),
  );
  await store.put('batch-data', 'in/notes.txt', 'not json');
  const { service_id } = await t.client.services.create({
    service_name: 'batch-files',
    infer_type: 'batch',
    config: [
      { model_id: onnxModel, instance_count: 2, ...small, src_path: '/batch-data/in/', dest_path: '/batch-data/out/', req_uri: '/', mapping_type: 'file' },
    ],
  });
  const s = await finished(service_id);
  assert.ok(Value.Check(ServiceDetail, s), JSON.stringify([...Value.Errors(ServiceDetail, s)].slice(0, 3)));
  assert.ok(s.start_time! <= s.finished_time!);
  assert.equal(s.config[0]?.src_path, '/batch-data/in/');
  assert.equal(s.access_address, undefined);
  assert.equal(s.invocation_times, 3);
  assert.equal(s.failed_times, 1);
  assert.deepEqual(JSON.parse(await read('batch-data', 'out/infer-result/a.json_result.txt')), { scores: [[-2, 2]], label: [1] });
  assert.deepEqual((JSON.parse(await read('batch-data', 'out/infer-result/b.json_result.txt')) as { label: number[] }).label, [0, 1]);
  assert.match(await read('batch-data', 'out/infer-result/notes.txt_result.txt'), /error_msg/);
  const manifests = (await read('batch-data', 'out/infer-result-0.manifest')) + (await read('batch-data', 'out/infer-result-1.manifest'));
  const lines = manifests
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { source: string; 'inference-loc': string });
  assert.deepEqual(lines.map((l) => l.source).sort(), ['/batch-data/in/a.json', '/batch-data/in/b.json', '/batch-data/in/notes.txt']);
  assert.ok(lines.every((l) => l['inference-loc'] === `/batch-data/out/infer-result/${l.source.split('/').pop()}_result.txt`));
  const events = (await t.client.services.events(service_id)).events.map((e) => e.event_info);
  assert.ok(
    events.some((e) => e.includes('3 file(s), 2 succeeded, 1 failed')),
    events.join(' | '),
  );
  // A finished batch has no instances left: predictions are refused, no access address.
  await assert.rejects(t.client.services.predict(service_id, { body: { x: [[1, 2]] } }), apiFailure(400, 'ModelArts.6327'));
});

test('csv mapping builds each request from a row with the mapping rule; a manifest names the inputs', async () => {
  const store = t.atelier.context.objectStore;
  await store.ensureBucket('batch-csv');
  await store.put('batch-csv', 'in/rows.csv', '1.4,x\n4.7,y\n');
  await store.put('batch-csv', 'list.manifest', `${JSON.stringify({ source: 'obs://batch-csv/in/rows.csv' })}\n`);
  const mapping_rule = {
    type: 'object',
    properties: {
      data: {
        type: 'object',
        properties: {
          req_data: {
            type: 'array',
            items: [{ type: 'object', properties: { petal_length: { type: 'number', index: 0 }, other: { type: 'string', index: -1 } } }],
          },
        },
      },
    },
  };
  const { service_id } = await t.client.services.create({
    service_name: 'batch-csv',
    infer_type: 'batch',
    config: [
      {
        model_id: pyModel,
        instance_count: 1,
        ...small,
        src_path: '/batch-csv/list.manifest',
        src_type: 'ManifestFile',
        dest_path: '/batch-csv/out/',
        req_uri: '/',
        mapping_type: 'csv',
        mapping_rule,
      },
    ],
  });
  await finished(service_id);
  const rows = (await read('batch-csv', 'out/infer-result/rows.csv_result.txt'))
    .split('\n')
    .map((l) => JSON.parse(l) as { data: { resp_data: { predict_result: string }[] } });
  assert.deepEqual(
    rows.map((r) => r.data.resp_data[0]?.predict_result),
    ['Iris-setosa', 'Iris-versicolor'],
  );
});

test('stopping a batch stops its work', async () => {
  const slow = {
    'model/config.json': JSON.stringify({
      model_type: 'Scikit_Learn',
      model_algorithm: 'slow',
      apis: [{ url: '/', request: { 'Content-type': 'application/json', data: { type: 'object' } } }],
    }),
    'model/model.m': '{}',
    'model/customize_service.py':
      'import time\nfrom model_service.python_model_service import XgSklServingBaseService\n\nclass Slow(XgSklServingBaseService):\n    def _inference(self, data):\n        time.sleep(0.3)\n        return {"ok": True}\n',
  };
  const model = await importModel(t.client, await putPackage(t, 'batch-models', 'slow', slow), 'slow', '1.0.0', 'Scikit_Learn');
  const store = t.atelier.context.objectStore;
  await store.ensureBucket('batch-slow');
  for (let i = 0; i < 30; i++) await store.put('batch-slow', `in/${i}.json`, '{}');
  const { service_id } = await t.client.services.create({
    service_name: 'batch-slow',
    infer_type: 'batch',
    config: [{ model_id: model, instance_count: 1, ...small, src_path: '/batch-slow/in/', dest_path: '/batch-slow/out/', req_uri: '/', mapping_type: 'file' }],
  });
  await finished(service_id, 'running');
  await t.client.services.update(service_id, { status: 'stopped' });
  const s = await t.client.services.show(service_id);
  assert.equal(s.status, 'stopped');
  const done = (await store.list('batch-slow', { prefix: 'out/infer-result/' })).objects.length;
  assert.ok(done < 30, `${done} files were processed after the stop`);
  await new Promise((r) => setTimeout(r, 700));
  assert.equal((await store.list('batch-slow', { prefix: 'out/infer-result/' })).objects.length, done, 'no work after the stop');
});

test('bad batch configurations are refused and leave nothing', async () => {
  const before = (await t.client.services.list({ infer_type: 'batch' })).total_count;
  const base = {
    model_id: onnxModel,
    instance_count: 1,
    ...small,
    src_path: '/batch-data/in/',
    dest_path: '/batch-data/out2/',
    req_uri: '/',
    mapping_type: 'file' as const,
  };
  const create = (config: Record<string, unknown>[]) =>
    t.client.services.create({ service_name: 'bad-batch', infer_type: 'batch', config } as Parameters<typeof t.client.services.create>[0]);
  await assert.rejects(create([{ ...base, dest_path: undefined }]), apiFailure(400, 'ModelArts.0104', 'dest_path'));
  await assert.rejects(create([{ ...base, req_uri: '/other' }]), apiFailure(400, 'ModelArts.0104', 'req_uri'));
  await assert.rejects(create([{ ...base, mapping_type: 'csv' }]), apiFailure(400, 'ModelArts.0104', 'mapping_rule'));
  await assert.rejects(create([{ ...base, src_type: 'ManifestFile' }]), apiFailure(400, 'ModelArts.0104', '.manifest'));
  await assert.rejects(create([base, { ...base, model_id: pyModel }]), apiFailure(400, 'ModelArts.0104', 'exactly one'));
  await assert.rejects(create([{ ...base, src_path: '/batch-data/../etc/' }]), apiFailure(400, 'ModelArts.0104'));
  assert.equal((await t.client.services.list({ infer_type: 'batch' })).total_count, before);
});
