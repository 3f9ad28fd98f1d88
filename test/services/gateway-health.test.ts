// Instances that stop answering are found by their health checks, killed and replaced, with the
// service concerning meanwhile; stopping or deleting a service whose instance is stuck answers at
// once and the instance is killed after a short grace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp } from '../helpers/app.ts';
import { eventually, importModel, putPackage } from '../models/fixtures.ts';
import { alive, deploySleepy, modelServerPids, running, sendPrediction, sleepyPackage, small, type Stats } from './gateway-fixtures.ts';

/** Polls the service's status until `until` holds, and returns every status seen on the way. */
async function watchStatus(client: AtelierClient, id: string, until: () => Promise<boolean>, timeoutMs: number): Promise<Set<string>> {
  const seen = new Set<string>();
  await eventually(
    'the service to recover',
    async () => {
      seen.add((await client.services.show(id)).status);
      return (await until()) ? true : undefined;
    },
    timeoutMs,
  );
  seen.add((await client.services.show(id)).status);
  return seen;
}

async function infos(client: AtelierClient, id: string): Promise<{ event_type?: string; event_info?: string }[]> {
  return (await client.services.events(id, { order: 'asc' })).events;
}

test('an instance that stops answering makes the service concerning; it is killed, replaced, and the service answers again', async () => {
  const t = await startTestApp({ ATELIER_INFER_TIMEOUT: '2' });
  try {
    t.atelier.startBackground();
    // The package's health settings apply: a check without an answer in 2 s fails. The model takes
    // a second to load, so the replacement's start is seen.
    const id = await deploySleepy(t, 'freezer', { health: { url: '/health', timeout_seconds: '2' }, loadSeconds: 1 });
    const [first] = modelServerPids(t.config.dataDir);
    assert.ok(first);

    // The model hangs its whole server: this prediction gets the timeout, which checks the
    // instance at once; two failed checks and it is replaced.
    await assert.rejects(t.client.services.predict(id, { body: { freeze: true } }), apiFailure(504, 'ModelArts.4503'));
    const replaced = async () => (await infos(t.client, id)).some((e) => e.event_info?.includes('restarted and running'));
    const seen = await watchStatus(t.client, id, replaced, 60_000);
    assert.ok(seen.has('concerning'), `concerning while the instance was down (saw ${[...seen].join(', ')})`);
    await running(t.client, id);
    const events = await infos(t.client, id);
    const lost = events.find((e) => e.event_type === 'abnormal' && e.event_info?.includes('stopped answering'));
    assert.ok(lost, JSON.stringify(events));
    assert.match(lost.event_info ?? '', /health check/);
    assert.deepEqual(await t.client.services.predict(id, { body: { tag: 'back' } }), { echo: 'back' });
    await eventually('the hung process killed', async () => (!alive(first) ? true : undefined), 15_000);

    // Without any traffic, the periodic check finds a hung server too.
    const pids = modelServerPids(t.config.dataDir);
    assert.ok(pids.length > 0 && !pids.includes(first));
    assert.deepEqual(await t.client.services.predict(id, { body: { freeze_later: 0.5 } }), { echo: 'freezing' });
    const twice = async () => (await infos(t.client, id)).filter((e) => e.event_info?.includes('restarted and running')).length >= 2;
    await watchStatus(t.client, id, twice, 90_000);
    await running(t.client, id);
    assert.deepEqual(await t.client.services.predict(id, { body: { tag: 'again' } }), { echo: 'again' });
    await eventually('the hung processes killed', async () => (pids.every((p) => !alive(p)) ? true : undefined), 15_000);
    assert.equal((await infos(t.client, id)).filter((e) => e.event_info?.includes('stopped answering')).length, 2);
  } finally {
    await t.close();
  }
});

test('stopping or deleting a service whose instance is stuck answers at once; the instance is killed after a short grace', async () => {
  // A long timeout: the request stays stuck in the model for the whole test.
  const t = await startTestApp({ ATELIER_INFER_TIMEOUT: '600' });
  try {
    t.atelier.startBackground();
    const id = await deploySleepy(t, 'stuck');
    const stuckIn = async () => {
      const caller = sendPrediction(t.client, id, { sleep: 600 });
      await eventually('the request in the model', async () =>
        (await t.client.services.predict<Stats>(id, { body: { stats: true } })).in_progress >= 1 ? true : undefined,
      );
      // Wrapped: an async function returning the promise itself would wait for it.
      return { caller };
    };

    let { caller } = await stuckIn();
    let pids = modelServerPids(t.config.dataDir);
    let started = Date.now();
    await t.client.services.update(id, { status: 'stopped' });
    let took = Date.now() - started;
    assert.ok(took < 5000, `the stop answered after ${took} ms`);
    assert.equal((await t.client.services.show(id)).status, 'stopped');
    await assert.rejects(t.client.services.predict(id, { body: { tag: 'late' } }), apiFailure(400, 'ModelArts.6327'));
    // After the grace the instance is killed; its caller learns the instance went away.
    const cut = await caller;
    assert.deepEqual([cut.status, cut.body.error_code], [500, 'ModelArts.4503']);
    await eventually('the stuck instance killed', async () => (pids.every((p) => !alive(p)) ? true : undefined), 20_000);
    assert.ok(Date.now() - started < 20_000, 'killed well before the old 30 s drain');

    // It starts again, and a delete with a stuck request answers at once too.
    await t.client.services.update(id, { status: 'running' });
    await running(t.client, id);
    ({ caller } = await stuckIn());
    pids = modelServerPids(t.config.dataDir);
    started = Date.now();
    await t.client.services.delete(id);
    took = Date.now() - started;
    assert.ok(took < 5000, `the delete answered after ${took} ms`);
    await assert.rejects(t.client.services.show(id), apiFailure(404, 'ModelArts.3502'));
    await caller;
    await eventually('the instance of the deleted service killed', async () => (pids.every((p) => !alive(p)) ? true : undefined), 20_000);
    assert.deepEqual(modelServerPids(t.config.dataDir), []);
  } finally {
    await t.close();
  }
});

test('stopping a service while its instance is still starting cancels the deployment at once', async () => {
  const t = await startTestApp();
  try {
    t.atelier.startBackground();
    // The model takes 60 s to load; the stop does not wait for it.
    const modelId = await importModel(
      t.client,
      await putPackage(t, 'slow-models', 'slow', sleepyPackage({ loadSeconds: 60 })),
      'slow',
      '1.0.0',
      'Scikit_Learn',
    );
    const { service_id: id } = await t.client.services.create({
      service_name: 'slow',
      infer_type: 'real-time',
      config: [{ model_id: modelId, weight: 100, instance_count: 1, ...small }],
    });
    await eventually('the model server starting', async () => (modelServerPids(t.config.dataDir).length > 0 ? true : undefined));
    const pids = modelServerPids(t.config.dataDir);
    assert.equal((await t.client.services.show(id)).status, 'deploying');
    const started = Date.now();
    await t.client.services.update(id, { status: 'stopped' });
    assert.ok(Date.now() - started < 5000, `the stop answered after ${Date.now() - started} ms`);
    assert.equal((await t.client.services.show(id)).status, 'stopped');
    await eventually('the starting instance killed', async () => (pids.every((p) => !alive(p)) ? true : undefined), 20_000);
    const events = await infos(t.client, id);
    assert.ok(
      events.some((e) => e.event_info?.includes('cancelled')),
      JSON.stringify(events),
    );
    assert.ok(!events.some((e) => e.event_info?.includes('deployment failed')), JSON.stringify(events));
  } finally {
    await t.close();
  }
});
