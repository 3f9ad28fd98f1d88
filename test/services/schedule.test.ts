// A real-time service with a stop schedule stops by itself once its due time passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';

test('schedule: a service stops at its due time, and the stop is an event', async () => {
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const t = await startTestApp({}, { clock });
  try {
    t.atelier.startBackground();
    const model = await importModel(t.client, await putPackage(t, 'sched', 'm', onnxPackage()), 'm');
    const { service_id } = await t.client.services.create({
      service_name: 'timed',
      infer_type: 'real-time',
      config: [{ model_id: model, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } }],
      schedule: [{ type: 'stop', time_unit: 'MINUTES', duration: 1 }],
    });
    const s = await eventually('running', async () => {
      const d = await t.client.services.show(service_id);
      return d.status === 'running' ? d : undefined;
    });
    assert.deepEqual(s.schedule, [{ type: 'stop', time_unit: 'MINUTES', duration: 1 }]);
    assert.ok(s.due_time! - s.publish_at === 60_000);
    await t.atelier.context.reconcilers.runOnce();
    assert.equal((await t.client.services.show(service_id)).status, 'running');
    offset = 61_000;
    await t.atelier.context.reconcilers.runOnce();
    assert.equal((await t.client.services.show(service_id)).status, 'stopped');
    const infos = (await t.client.services.events(service_id)).events.map((e) => e.event_info);
    assert.ok(infos.includes('service stopped by its schedule'));
  } finally {
    await t.close();
  }
});
