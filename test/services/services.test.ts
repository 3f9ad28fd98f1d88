import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import type { AtelierClient } from '#src/client/index.ts';
import {
  ClustersResponse,
  CreateServiceResponse,
  EventsResponse,
  ListServicesResponse,
  MonitorResponse,
  ServiceDetail,
  SpecificationsResponse,
  UpdateLogsResponse,
} from '#src/modules/services/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

let t: TestApp;
let modelA: string;
let modelB: string;

// Small custom instances, so several fit in the local pool of a 2-core host.
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

before(async () => {
  t = await startTestApp();
  t.atelier.startBackground();
  const a = await putPackage(t, 'svc-models', 'a', onnxPackage());
  // Version 2 has flipped weights: it answers the other label.
  const b = await putPackage(
    t,
    'svc-models',
    'b',
    onnxPackage(
      [
        [1, -1],
        [-1, 1],
      ],
      [0, 0],
    ),
  );
  modelA = await importModel(t.client, a, 'linear', '1.0.0');
  modelB = await importModel(t.client, b, 'linear', '2.0.0');
});
after(() => t.close());

async function running(client: AtelierClient, id: string) {
  return eventually(`service ${id} running`, async () => {
    const s = await client.services.show(id);
    if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
    return s.status === 'running' ? s : undefined;
  });
}

test('deploy an ONNX model, predict through the access address, read monitor, logs and events', async () => {
  const created = await t.client.services.create({
    service_name: 'linear-svc',
    infer_type: 'real-time',
    description: 'linear',
    config: [{ model_id: modelA, weight: 100, instance_count: 2, ...small }],
  });
  assert.ok(Value.Check(CreateServiceResponse, created));
  const first = await t.client.services.show(created.service_id);
  assert.ok(['deploying', 'running'].includes(first.status));
  const s = await running(t.client, created.service_id);
  assert.ok(Value.Check(ServiceDetail, s), JSON.stringify([...Value.Errors(ServiceDetail, s)].slice(0, 3)));
  assert.equal(s.access_address, `${t.url}/v1/infers/${created.service_id}`);
  assert.equal(s.config[0]?.model_version, '1.0.0');
  assert.equal(s.config[0]?.status, 'running');

  // The answers are the model's: label 1 when x0 > x1.
  const out = await t.client.services.predict<{ scores: number[][]; label: number[] }>(created.service_id, {
    body: {
      x: [
        [3, 1],
        [0, 2],
      ],
    },
  });
  assert.deepEqual(out, {
    scores: [
      [-2, 2],
      [2, -2],
    ],
    label: [1, 0],
  });

  // A body the model's apis schema rejects is a 400 naming the field, not a 500.
  await assert.rejects(t.client.services.predict(created.service_id, { body: { y: [[1, 2]] } }), apiFailure(400, 'ModelArts.0104', 'x'));
  await assert.rejects(t.client.services.predict(created.service_id, { body: { x: [[1, 2, 3]] } }), apiFailure(400, 'ModelArts.0104', 'dimension'));
  await assert.rejects(t.client.services.predict(created.service_id, { body: { x: [[1, 2], [3]] } }), apiFailure(400, 'ModelArts.0104'));

  const monitor = await t.client.services.monitor(created.service_id);
  assert.ok(Value.Check(MonitorResponse, monitor));
  assert.equal(monitor.monitors[0]?.invocation_times, 4);
  assert.equal(monitor.monitors[0]?.failed_times, 3);
  assert.equal(monitor.monitors[0]?.cpu_core_total, 0.2);
  assert.ok((monitor.monitors[0]?.cpu_memory_usage ?? -1) >= 0);
  assert.ok((monitor.monitors[0]?.latency_ms ?? -1) >= 0);

  const listed = await t.client.services.list({ service_name: 'linear-svc' });
  assert.ok(Value.Check(ListServicesResponse, listed));
  assert.equal(listed.total_count, 1);
  assert.equal(listed.services[0]?.invocation_times, 4);
  assert.equal(listed.services[0]?.failed_times, 3);
  assert.equal((await t.client.services.list({ model_id: modelA })).total_count >= 1, true);
  assert.equal((await t.client.services.list({ status: 'stopped', service_name: 'linear-svc' })).total_count, 0);

  const logs = await t.client.services.updateLogs(created.service_id);
  assert.ok(Value.Check(UpdateLogsResponse, logs));
  assert.equal(logs.logs[0]?.result, 'SUCCESS');
  assert.equal(logs.logs[0]?.config[0]?.instance_count, 2);

  const events = await t.client.services.events(created.service_id, { order: 'asc' });
  assert.ok(Value.Check(EventsResponse, events));
  assert.equal(events.events[0]?.event_info, 'start to deploy service');
  assert.ok(events.events.some((e) => e.event_info === 'service is running'));
  assert.equal(events.total_count, events.count);
  const abnormal = await t.client.services.events(created.service_id, { event_type: 'abnormal' });
  assert.equal(abnormal.total_count, 0);

  await t.client.services.delete(created.service_id);
  await assert.rejects(t.client.services.show(created.service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(t.client.services.predict(created.service_id, { body: { x: [[1, 2]] } }), apiFailure(404, 'ModelArts.3502'));
});

test('weights split traffic across two versions; an update rolls without failed requests', async () => {
  const { service_id } = await t.client.services.create({
    service_name: 'split',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  await running(t.client, service_id);
  let failures = 0;
  let stop = false;
  // Requests keep flowing while the service is updated: none may fail.
  const traffic = (async () => {
    while (!stop) {
      try {
        await t.client.services.predict(service_id, { body: { x: [[3, 1]] } });
      } catch {
        failures++;
      }
    }
  })();
  await t.client.services.update(service_id, {
    config: [
      { model_id: modelA, weight: 50, instance_count: 1, ...small },
      { model_id: modelB, weight: 50, instance_count: 1, ...small },
    ],
  });
  const s = await running(t.client, service_id);
  stop = true;
  await traffic;
  assert.equal(failures, 0);
  assert.deepEqual(
    s.config.map((c) => [c.model_version, c.weight]),
    [
      ['1.0.0', 50],
      ['2.0.0', 50],
    ],
  );

  const labels = new Map<number, number>();
  for (let i = 0; i < 60; i++) {
    const r = await t.client.services.predict<{ label: number[] }>(service_id, { body: { x: [[3, 1]] } });
    labels.set(r.label[0]!, (labels.get(r.label[0]!) ?? 0) + 1);
  }
  // Both versions answer (version 1 says 1, version 2 says 0); 60 draws at 50/50 miss one side with p < 1e-17.
  assert.ok((labels.get(1) ?? 0) > 0 && (labels.get(0) ?? 0) > 0, JSON.stringify([...labels]));

  const logs = await t.client.services.updateLogs(service_id);
  assert.equal(logs.logs.length, 2);
  assert.deepEqual(
    logs.logs.map((l) => l.result),
    ['SUCCESS', 'SUCCESS'],
  );
  assert.equal(logs.logs[0]?.config.length, 2);

  // A model in use cannot be deleted.
  const del = await t.client.models.delete(modelB);
  assert.deepEqual(del.delete_success_list, []);
  assert.equal(del.delete_failed_list[0]?.error_code, 'ModelArts.3009');
  await t.client.services.delete(service_id);
});

test('stop and start through update; a stopped service refuses predictions', async () => {
  const { service_id } = await t.client.services.create({
    service_name: 'stopper',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  await running(t.client, service_id);
  await t.client.services.update(service_id, { status: 'stopped' });
  assert.equal((await t.client.services.show(service_id)).status, 'stopped');
  await assert.rejects(t.client.services.predict(service_id, { body: { x: [[1, 2]] } }), apiFailure(400, 'ModelArts.6327'));
  await assert.rejects(t.client.services.update(service_id, { status: 'stopped' }), apiFailure(400, 'ModelArts.6307'));
  await t.client.services.update(service_id, { status: 'running', description: 'again' });
  const s = await running(t.client, service_id);
  assert.equal(s.description, 'again');
  assert.deepEqual((await t.client.services.predict<{ label: number[] }>(service_id, { body: { x: [[1, 2]] } })).label, [0]);
  const infos = (await t.client.services.events(service_id, { order: 'asc' })).events.map((e) => e.event_info);
  assert.ok(infos.includes('service stopped'));
  // deploy, stop, start: each is an update log entry, newest first.
  assert.deepEqual(
    (await t.client.services.updateLogs(service_id)).logs.map((l) => l.result),
    ['SUCCESS', 'SUCCESS', 'SUCCESS'],
  );
  await t.client.services.update(service_id, { description: 'renamed' });
  const logs = (await t.client.services.updateLogs(service_id)).logs;
  assert.equal(logs.length, 4);
  assert.equal((await t.client.services.updateLogs(service_id, { update_time: logs[0]!.update_time })).logs.length >= 1, true);
  assert.ok(infos.includes('start to run service'));
  await t.client.services.delete(service_id);
});

test('bad deployments are refused with a 4xx and leave no service behind', async () => {
  const before = (await t.client.services.list()).total_count;
  const one = (patch: Record<string, unknown>) => [{ model_id: modelA, weight: 100, instance_count: 1, ...small, ...patch }];
  const create = (config: unknown, extra: Record<string, unknown> = {}) =>
    t.client.services.create({ service_name: 'bad', infer_type: 'real-time', config, ...extra } as Parameters<typeof t.client.services.create>[0]);
  await assert.rejects(create(one({ weight: 60 })), apiFailure(400, 'ModelArts.0104', 'weight'));
  await assert.rejects(
    create([
      { model_id: modelA, weight: 50, instance_count: 1, ...small },
      { model_id: modelA, weight: 50, instance_count: 1, ...small },
    ]),
    apiFailure(400, 'ModelArts.3516'),
  );
  await assert.rejects(create(one({ specification: 'modelarts.vm.gpu.p4', custom_spec: undefined })), apiFailure(400, 'ModelArts.0104', 'specification'));
  await assert.rejects(create(one({ specification: 'custom', custom_spec: undefined })), apiFailure(400, 'ModelArts.0104', 'custom_spec'));
  await assert.rejects(create(one({ instance_count: 6 })), apiFailure(400, 'ModelArts.0104', 'instance_count'));
  await assert.rejects(create(one({ instance_count: 0 })), apiFailure(400, 'ModelArts.0104', 'instance_count'));
  // Within the schema's bound (1024 cores), larger than this host.
  await assert.rejects(create(one({ custom_spec: { cpu: 1000, memory: 128 } })), apiFailure(400, 'ModelArts.3952'));
  await assert.rejects(create(one({ model_id: 'no-such-model' })), apiFailure(404, 'ModelArts.3507'));
  await assert.rejects(create(one({ cluster_id: 'elsewhere' })), apiFailure(400, 'ModelArts.3547'));
  await assert.rejects(
    create(one({})).then(() => create(one({}))),
    apiFailure(409, 'ModelArts.3503'),
  );
  await assert.rejects(create(one({}), { infer_type: 'edge' }), apiFailure(400, 'ModelArts.3518'));
  await assert.rejects(create(one({}), { service_name: '' }), apiFailure(400, 'ModelArts.0104'));
  const listed = await t.client.services.list({ service_name: 'bad' });
  assert.equal(listed.total_count, 1);
  await t.client.services.delete(listed.services[0]!.service_id);
  assert.equal((await t.client.services.list()).total_count, before);
});

test('another project sees neither the services nor the models, and cannot call them', async () => {
  const { service_id } = await t.client.services.create({
    service_name: 'private',
    infer_type: 'real-time',
    config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }],
  });
  await running(t.client, service_id);
  const other = await t.newTenant('svc-other');
  await assert.rejects(other.services.show(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.update(service_id, { description: 'x' }), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.delete(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.monitor(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.events(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.updateLogs(service_id), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.predict(service_id, { body: { x: [[1, 2]] } }), apiFailure(404, 'ModelArts.3502'));
  await assert.rejects(other.services.predict(service_id, { method: 'GET', path: '/status' }), apiFailure(404, 'ModelArts.3502'));
  // The owner's model is no Image model: it answers POST only, whatever the method its caller tries.
  for (const method of ['GET', 'PUT', 'DELETE'] as const) {
    await assert.rejects(
      t.client.services.predict(service_id, { method, ...(method === 'PUT' ? { body: { x: [[1, 2]] } } : {}) }),
      apiFailure(400, 'ModelArts.0104', 'POST only'),
    );
  }
  await assert.rejects(
    other.services.create({ service_name: 'steal', infer_type: 'real-time', config: [{ model_id: modelA, weight: 100, instance_count: 1, ...small }] }),
    apiFailure(404, 'ModelArts.3507'),
  );
  assert.equal((await other.services.list()).total_count, 0);
  // Unauthenticated calls to the gateway are refused like any API.
  const res = await fetch(`${t.url}/v1/infers/${service_id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":[[1,2]]}' });
  assert.equal(res.status, 401);
  await t.client.services.delete(service_id);
});

test('specifications and clusters describe this host', async () => {
  const specs = await t.client.services.specifications();
  assert.ok(Value.Check(SpecificationsResponse, specs));
  assert.ok(specs.specifications.length >= 1);
  assert.ok(specs.specifications.every((s) => s.specification.startsWith('modelarts.vm.cpu.')));
  const clusters = await t.client.services.clusters();
  assert.ok(Value.Check(ClustersResponse, clusters));
  assert.equal(clusters.total_count, 1);
  assert.equal(clusters.clusters[0]?.cluster_id, 'local');
  assert.equal(clusters.clusters[0]?.status, 'running');
  assert.equal((await t.client.services.clusters({ cluster_name: 'nope' })).total_count, 0);
});
