// A batch run calls its instances with the gateway's prediction timeout: a file the model never
// answers fails on its own after the timeout, and the run goes on to the next file and finishes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, putPackage } from '../models/fixtures.ts';
import { small, sleepyPackage } from './gateway-fixtures.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp({ ATELIER_INFER_TIMEOUT: '2' });
  t.atelier.startBackground();
});
after(() => t.close());

test('a file the model does not answer within the timeout fails alone; the run finishes', async () => {
  const store = t.atelier.context.objectStore;
  // A batch needs the model's api (its input); the sleepy model takes any JSON object.
  const pkg = sleepyPackage();
  const apis = [
    {
      protocol: 'http',
      url: '/',
      method: 'post',
      request: { 'Content-type': 'application/json', data: { type: 'object' } },
      response: { 'Content-type': 'application/json', data: { type: 'object' } },
    },
  ];
  pkg['model/config.json'] = JSON.stringify({ ...(JSON.parse(pkg['model/config.json']) as object), apis });
  const model = await importModel(t.client, await putPackage(t, 'batch-slow', 'sleepy', pkg), 'sleepy', '1.0.0', 'Scikit_Learn');
  await store.put('batch-slow', 'in/a-slow.json', JSON.stringify({ sleep: 30 }));
  await store.put('batch-slow', 'in/b-quick.json', JSON.stringify({ tag: 'quick' }));
  const started = Date.now();
  const { service_id } = await t.client.services.create({
    service_name: 'batch-slow',
    infer_type: 'batch',
    config: [{ model_id: model, instance_count: 1, ...small, src_path: '/batch-slow/in/', dest_path: '/batch-slow/out/', req_uri: '/', mapping_type: 'file' }],
  });
  const s = await eventually(
    'the batch finished',
    async () => {
      const x = await t.client.services.show(service_id);
      if (x.status === 'failed') throw new Error(`batch failed: ${x.error_msg}`);
      return x.status === 'finished' ? x : undefined;
    },
    60_000,
  );
  assert.ok(Date.now() - started < 28_000, 'the run did not wait for the 30 s model');
  assert.equal(s.invocation_times, 2);
  assert.equal(s.failed_times, 1);
  const read = (key: string) => store.readText('batch-slow', key, 1 << 20);
  assert.match(await read('out/infer-result/a-slow.json_result.txt'), /did not answer within 2 s/);
  assert.deepEqual(JSON.parse(await read('out/infer-result/b-quick.json_result.txt')), { echo: 'quick' });
});
