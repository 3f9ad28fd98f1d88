// Objects a service keeps as sent and answers back (schedule[], custom_spec) take only their declared
// fields: an undeclared key is a 400 naming it, and nothing is stored. A config entry is read field by
// field, so what it does not declare is dropped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

let t: TestApp;
let model: string;

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  model = await importModel(t.client, await putPackage(t, 'svc-objects', 'm', onnxPackage()), 'objects');
});
after(() => t.close());

const config = (extra: Record<string, unknown> = {}) => ({
  model_id: model,
  weight: 100,
  instance_count: 1,
  specification: 'custom',
  custom_spec: { cpu: 0.1, memory: 128 },
  ...extra,
});
const create = (body: Record<string, unknown>) => t.client.http.call<{ service_id: string }>('POST', '/v1/{project_id}/services', { body });
const update = (id: string, body: Record<string, unknown>) =>
  t.client.http.call<Record<string, never>>('PUT', '/v1/{project_id}/services/{service_id}', { params: { service_id: id }, body });

test('CreateService refuses undeclared keys in schedule[] and custom_spec; nothing is stored', async () => {
  const base = { service_name: 'extra', infer_type: 'real-time' };
  await assert.rejects(
    create({ ...base, config: [config()], schedule: [{ duration: 1, time_unit: 'HOURS', type: 'stop', junk: 'x' }] }),
    apiFailure(400, 'ModelArts.0104', 'body.schedule.0.junk'),
  );
  await assert.rejects(
    create({ ...base, config: [config({ custom_spec: { cpu: 0.1, memory: 128, gpu: 1 } })] }),
    apiFailure(400, 'ModelArts.0104', 'body.config.0.custom_spec.gpu'),
  );
  assert.equal((await t.client.services.list()).total_count, 0);
});

test('UpdateService refuses undeclared keys in schedule[] and custom_spec; the service is unchanged', async () => {
  // A config entry's undeclared key is dropped, not kept.
  const { service_id } = await create({ service_name: 'kept', infer_type: 'real-time', config: [config({ junk: 'x' })] });
  const before = await eventually('running', async () => {
    const d = await t.client.services.show(service_id);
    return d.status === 'running' ? d : undefined;
  });
  assert.equal('junk' in (before.config[0] as Record<string, unknown>), false);
  const logs = (await t.client.services.updateLogs(service_id)).logs.length;

  await assert.rejects(
    update(service_id, { schedule: [{ duration: 1, time_unit: 'HOURS', type: 'stop', junk: 'x' }] }),
    apiFailure(400, 'ModelArts.0104', 'body.schedule.0.junk'),
  );
  await assert.rejects(
    update(service_id, { description: 'changed', config: [config({ instance_count: 2, custom_spec: { cpu: 0.1, memory: 128, surprise: true } })] }),
    apiFailure(400, 'ModelArts.0104', 'body.config.0.custom_spec.surprise'),
  );
  const after = await t.client.services.show(service_id);
  assert.equal(after.schedule, undefined);
  assert.equal(after.due_time, undefined);
  assert.equal(after.description, before.description);
  assert.deepEqual(after.config[0]?.custom_spec, { cpu: 0.1, memory: 128 });
  assert.equal(after.config[0]?.instance_count, 1);
  assert.equal(after.update_time, before.update_time);
  assert.equal((await t.client.services.updateLogs(service_id)).logs.length, logs);

  // The same schedule without the stray key is taken and answered back as sent.
  await update(service_id, { schedule: [{ duration: 1, time_unit: 'HOURS', type: 'stop' }] });
  assert.deepEqual((await t.client.services.show(service_id)).schedule, [{ duration: 1, time_unit: 'HOURS', type: 'stop' }]);
});
