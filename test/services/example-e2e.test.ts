// The example end to end: examples/models/onnx-linear as committed is imported, deployed, called
// through its access address, split 70/30 with a second version, and deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

test('examples/models/onnx-linear: import, deploy, predict, split across two versions, delete', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    const v1 = await importModel(t.client, await putPackage(t, 'example', 'linear-v1', examplePackage('onnx-linear')), 'example-linear', '1.0.0');
    const v2 = await importModel(
      t.client,
      await putPackage(
        t,
        'example',
        'linear-v2',
        onnxPackage(
          [
            [1, -1],
            [-1, 1],
          ],
          [0, 0],
        ),
      ),
      'example-linear',
      '1.1.0',
    );
    const spec = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };
    const { service_id } = await t.client.services.create({
      service_name: 'example-linear',
      infer_type: 'real-time',
      config: [{ model_id: v1, weight: 100, instance_count: 1, ...spec }],
    });
    const running = () =>
      eventually('running', async () => {
        const s = await t.client.services.show(service_id);
        return s.status === 'running' ? s : undefined;
      });
    const s = await running();

    // The access address is a real URL: call it with a plain signed request, as an SDK would.
    const path = new URL(s.access_address!).pathname;
    const res = await t.client.http.raw('POST', path, {
      body: {
        x: [
          [0.9, 0.1],
          [0.2, 0.8],
        ],
      },
    });
    assert.equal(res.status, 200);
    const out = res.json as { scores: number[][]; label: number[] };
    assert.deepEqual(out.label, [1, 0]);
    // x · W + b computed in float32.
    [
      [-0.8, 0.8],
      [0.6, -0.6],
    ].forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(out.scores[i]![j]! - v) < 1e-6)));

    await t.client.services.update(service_id, {
      config: [
        { model_id: v1, weight: 70, instance_count: 1, ...spec },
        { model_id: v2, weight: 30, instance_count: 1, ...spec },
      ],
    });
    await eventually('both versions serving', async () => {
      const d = await t.client.services.show(service_id);
      return d.status === 'running' && d.config.length === 2 ? d : undefined;
    });
    let fromV1 = 0;
    const n = 200;
    for (let i = 0; i < n; i++) {
      const r = await t.client.services.predict<{ label: number[] }>(service_id, { body: { x: [[1, 0]] } });
      if (r.label[0] === 1) fromV1++;
    }
    // 70% expected; 200 draws stay within 0.5..0.9 except with p < 1e-9.
    assert.ok(fromV1 / n > 0.5 && fromV1 / n < 0.9, `${fromV1}/${n} answered by version 1`);
    const monitor = await t.client.services.monitor(service_id);
    // Every call is counted, the first one (before the split) included.
    assert.equal(
      monitor.monitors.reduce((a, m) => a + m.invocation_times, 0),
      n + 1,
    );

    await t.client.services.delete(service_id);
    await assert.rejects(t.client.services.show(service_id), apiFailure(404, 'ModelArts.3502'));
    const gone = await t.client.models.delete(v1, { cascade: true });
    assert.deepEqual(new Set(gone.delete_success_list), new Set([v1, v2]));
  } finally {
    await t.close();
  }
});
