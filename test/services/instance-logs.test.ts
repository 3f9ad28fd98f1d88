// The instance logs of a service (an Atelier extension): the owner reads what the model's code
// printed and the traceback of a failing prediction, while the caller of that prediction gets the
// exception's name only; another project sees no such service.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { lastLines } from '#src/modules/services/instance-logs.ts';
import { ApiClientError } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, putPackage } from '../models/fixtures.ts';

const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

let t: TestApp;
before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
});
after(() => t.close());

test('lastLines keeps the last n lines, a final newline included', () => {
  assert.equal(lastLines('a\nb\nc\n', 2), 'b\nc\n');
  assert.equal(lastLines('a\nb\nc', 2), 'b\nc');
  assert.equal(lastLines('a\nb\nc\n', 5), 'a\nb\nc\n');
  assert.equal(lastLines('only', 1), 'only');
  assert.equal(lastLines('', 3), '');
  assert.equal(lastLines('\n\n', 1), '\n');
});

test('the owner reads the traceback of a failing prediction in the instance log; the caller gets the exception only', async () => {
  const modelId = await importModel(
    t.client,
    await putPackage(t, 'log-models', 'threshold', examplePackage('py-threshold')),
    'threshold',
    '1.0.0',
    'Scikit_Learn',
  );
  const { service_id } = await t.client.services.create({
    service_name: 'logged',
    infer_type: 'real-time',
    config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
  });
  await eventually(
    'service running',
    async () => {
      const s = await t.client.services.show(service_id);
      if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    },
    30_000,
  );

  const failed = await t.client.services.predict(service_id, { body: { data: { req_data: [{ sepal: 1 }] } } }).catch((e: unknown) => e);
  assert.ok(failed instanceof ApiClientError);
  apiFailure(500, 'ModelArts.6102', 'KeyError')(failed);
  assert.doesNotMatch(failed.errorMsg ?? '', /Traceback|customize_service\.py/, 'no traceback for the caller');

  const logs = await eventually('the traceback in the instance log', async () => {
    const l = await t.client.services.instanceLogs(service_id);
    return l.instances[0]?.content.includes("KeyError: 'petal_length'") ? l : undefined;
  });
  assert.equal(logs.service_id, service_id);
  assert.equal(logs.service_name, 'logged');
  assert.equal(logs.total_count, 1);
  assert.equal(logs.count, 1);
  const [inst] = logs.instances;
  assert.ok(inst);
  assert.equal(inst.model_id, modelId);
  assert.equal(inst.model_name, 'threshold');
  assert.equal(inst.model_version, '1.0.0');
  assert.equal(inst.serving, true);
  assert.ok(inst.started_at > Date.now() - 120_000 && inst.started_at <= Date.now());
  assert.match(inst.content, /prediction failed:\nTraceback \(most recent call last\):\n/);
  assert.match(inst.content, /customize_service\.py", line \d+, in _inference/);
  assert.equal(inst.current_size, Buffer.byteLength(inst.content));
  assert.ok(inst.full_size >= inst.current_size);
  // The events name the instance; the log of that instance is found by its id.
  const events = await t.client.services.events(service_id);
  assert.ok(events.events.some((e) => e.event_info.includes(inst.instance_id)));
  assert.equal((await t.client.services.instanceLogs(service_id, { instance_id: inst.instance_id })).count, 1);
  assert.equal((await t.client.services.instanceLogs(service_id, { model_id: modelId })).count, 1);
  assert.deepEqual((await t.client.services.instanceLogs(service_id, { instance_id: 'no-such-instance' })).instances, []);

  // Bounded: the last line only.
  const last = await t.client.services.instanceLogs(service_id, { lines: 1 });
  assert.equal(last.instances[0]?.content.trimEnd().split('\n').length, 1);
  assert.match(last.instances[0]?.content ?? '', /^KeyError: 'petal_length'\n?$/);

  // Another project: no such service.
  const other = await t.newTenant('log-reader');
  await assert.rejects(other.services.instanceLogs(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(t.client.services.instanceLogs('00000000-0000-0000-0000-000000000000'), apiFailure(404, 'ModelArts.3502'));

  // Bad input: out of the documented bounds.
  await assert.rejects(t.client.services.instanceLogs(service_id, { lines: 0 }), apiFailure(400, 'ModelArts.0104', 'lines'));
  await assert.rejects(t.client.services.instanceLogs(service_id, { lines: 2001 }), apiFailure(400, 'ModelArts.0104', 'lines'));
  await assert.rejects(t.client.services.instanceLogs(service_id, { limit: 21 }), apiFailure(400, 'ModelArts.0104', 'limit'));
  await assert.rejects(t.client.services.instanceLogs(service_id, { instance_id: 'x'.repeat(65) }), apiFailure(400, 'ModelArts.0104', 'instance_id'));
});

test('a model that cannot load leaves its traceback in the log of the failed service', async () => {
  const broken = {
    'model/config.json': JSON.stringify({ model_type: 'Scikit_Learn', model_algorithm: 'broken' }),
    'model/model.m': '{}',
    'model/customize_service.py': 'print("loading the weights")\nraise RuntimeError("weights are corrupt")\n',
  };
  const modelId = await importModel(t.client, await putPackage(t, 'log-models', 'broken', broken), 'broken', '1.0.0', 'Scikit_Learn');
  const { service_id } = await t.client.services.create({
    service_name: 'broken',
    infer_type: 'real-time',
    config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
  });
  await eventually('service failed', async () => ((await t.client.services.show(service_id)).status === 'failed' ? true : undefined), 30_000);
  const logs = await t.client.services.instanceLogs(service_id);
  // Each attempt to start it leaves a log (a restart may have been tried before it was given up); the newest comes first.
  assert.ok(logs.count >= 1, `logs of ${logs.count} instances`);
  const [inst] = logs.instances;
  assert.equal(inst?.serving, false);
  assert.match(inst?.content ?? '', /loading the weights/, 'what the code printed while loading');
  assert.match(inst?.content ?? '', /Traceback \(most recent call last\):[\s\S]*RuntimeError: weights are corrupt/);
});
