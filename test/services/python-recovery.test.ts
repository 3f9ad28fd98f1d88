// The Python model server driving customize_service.py; crashed instances come back; a restart of
// Atelier brings running services up again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, restartedApp, startTestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';
import { modelServerPids } from './gateway-fixtures.ts';

const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };
type Answer = { data: { resp_data: { predict_result: string }[] } };

function multipart(boundary: string, field: string, filename: string, content: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: application/json\r\n\r\n${content}\r\n--${boundary}--\r\n`,
  );
}

async function running(client: AtelierClient, id: string) {
  return eventually(
    `service ${id} running`,
    async () => {
      const s = await client.services.show(id);
      if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
      return s.status === 'running' ? s : undefined;
    },
    30_000,
  );
}

test('a Python package runs through _preprocess, _inference and _postprocess; crashes are restarted and reported', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    const source = await putPackage(t, 'py-models', 'threshold', examplePackage('py-threshold'));
    const modelId = await importModel(t.client, source, 'threshold', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'iris',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    await running(t.client, service_id);
    // The pool knows the instance's process group, which pool metrics measure.
    const groups = () => t.atelier.context.localPool.holdings().find((h) => h.key === service_id)?.processGroups ?? [];
    assert.equal(groups().length, 1);

    const answer = await t.client.services.predict<Answer>(service_id, {
      body: { data: { req_data: [{ petal_length: 1.4 }, { petal_length: 4.7 }] } },
    });
    assert.deepEqual(answer, { data: { resp_data: [{ predict_result: 'Iris-setosa' }, { predict_result: 'Iris-versicolor' }] } });
    // multipart/form-data reaches _preprocess as {field: {file name: file}}.
    const boundary = 'atelier-test-boundary';
    const viaFile = await t.client.services.predict<Answer>(service_id, {
      rawBody: multipart(boundary, 'rows', 'rows.json', '[{"petal_length": 3.3}]'),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.deepEqual(viaFile, { data: { resp_data: [{ predict_result: 'Iris-versicolor' }] } });
    // A body the model's code cannot handle is the model's error, reported, not a crash.
    await assert.rejects(
      t.client.services.predict(service_id, { body: { data: { req_data: [{ sepal: 1 }] } } }),
      apiFailure(500, 'ModelArts.6102', 'KeyError'),
    );

    const groupsBefore = groups()[0];
    const [pid] = modelServerPids(t.config.dataDir);
    assert.ok(pid, 'the model server runs as its own process');
    process.kill(pid, 'SIGKILL');
    const events = await eventually('the restart event', async () => {
      const e = await t.client.services.events(service_id, { order: 'asc' });
      return e.events.some((x) => x.event_info.includes('restarted')) ? e : undefined;
    });
    assert.ok(events.events.some((e) => e.event_type === 'abnormal' && e.event_info.includes('failed')));
    await running(t.client, service_id);
    const again = await t.client.services.predict<Answer>(service_id, { body: { data: { req_data: [{ petal_length: 9 }] } } });
    assert.equal(again.data.resp_data[0]?.predict_result, 'Iris-versicolor');
    assert.notEqual(modelServerPids(t.config.dataDir)[0], pid);
    assert.equal(groups().length, 1);
    assert.ok(groupsBefore !== undefined && !groups().includes(groupsBefore), 'the restarted instance is measured, not the dead one');
    await t.client.services.delete(service_id);
    // A delete answers at once; the instance's process ends in the background.
    await eventually('the model server gone', async () => (modelServerPids(t.config.dataDir).length === 0 ? true : undefined));
  } finally {
    await t.close();
  }
});

test('an image model is refused at deploy: no container runtime here', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    const config = { model_type: 'Image', model_algorithm: 'image_classification', swr_location: 'swr.example.com/org/img:1', health: { url: '/health' } };
    const source = await putPackage(t, 'img-models', 'img', { 'model/config.json': JSON.stringify(config) });
    const { model_id } = await t.client.models.create({ model_name: 'img', model_version: '1.0.0', source_location: source, model_type: 'Image' });
    await eventually('published', async () => ((await t.client.models.show(model_id)).model_status === 'published' ? true : undefined));
    await assert.rejects(
      t.client.services.create({ service_name: 'img', infer_type: 'real-time', config: [{ model_id, weight: 100, instance_count: 1, ...small }] }),
      apiFailure(400, 'ModelArts.3589', 'container runtime'),
    );
    assert.equal((await t.client.services.list()).total_count, 0);
  } finally {
    await t.close();
  }
});

test('a running service comes back after Atelier restarts', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    const source = await putPackage(t, 'restart-models', 'lin', onnxPackage());
    const modelId = await importModel(t.client, source, 'lin');
    const { service_id } = await t.client.services.create({
      service_name: 'survivor',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    await running(t.client, service_id);
    await t.client.services.predict(service_id, { body: { x: [[1, 2]] } });
    await t.atelier.close();

    const { atelier: next, client } = await restartedApp(t);
    try {
      const s = await running(client, service_id);
      // The count of the first process was saved when it closed.
      assert.equal(s.invocation_times, 1);
      assert.deepEqual((await client.services.predict<{ label: number[] }>(service_id, { body: { x: [[2, 1]] } })).label, [1]);
      const infos = (await client.services.events(service_id)).events.map((e) => e.event_info);
      assert.ok(infos.some((i) => i.includes('restarted: redeploying')));
    } finally {
      await next.close();
    }
  } finally {
    await t.close();
  }
});

test('a model whose code cannot start leaves the service failed, with events saying why', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    const broken = {
      'model/config.json': JSON.stringify({ model_type: 'Scikit_Learn', model_algorithm: 'broken' }),
      'model/model.m': '{}',
      'model/customize_service.py': 'raise RuntimeError("weights are corrupt")\n',
    };
    const modelId = await importModel(t.client, await putPackage(t, 'broken-models', 'b', broken), 'broken', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'broken',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    const s = await eventually('failed', async () => {
      const d = await t.client.services.show(service_id);
      return d.status === 'failed' ? d : undefined;
    });
    assert.match(s.error_msg ?? '', /weights are corrupt/);
    const abnormal = await t.client.services.events(service_id, { event_type: 'abnormal' });
    assert.ok(abnormal.events.some((e) => e.event_info.includes('weights are corrupt')));
    assert.equal((await t.client.services.updateLogs(service_id)).logs[0]?.result, 'FAIL');
    await assert.rejects(t.client.services.predict(service_id, { body: {} }), apiFailure(400, 'ModelArts.6327'));
    // The reconciler leaves a failed service failed: it is not redeployed in a loop.
    await t.atelier.recover();
    assert.equal((await t.client.services.show(service_id)).status, 'failed');
    assert.deepEqual(modelServerPids(t.config.dataDir), []);
  } finally {
    await t.close();
  }
});
