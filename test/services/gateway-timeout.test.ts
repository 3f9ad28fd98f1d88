// The inference gateway's timeout: a model that takes too long answers 504 ModelArts.4503 after the
// configured time, its request to the model server is dropped, and neither timed-out nor abandoned
// requests use up the instance's connections.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '#src/config.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually } from '../models/fixtures.ts';
import { deploySleepy, establishedConnections, modelServerPids, sendPrediction, type Stats } from './gateway-fixtures.ts';

const TIMEOUT_S = 2;
let t: TestApp;
let serviceId: string;

before(async () => {
  t = await startTestApp({ ATELIER_INFER_TIMEOUT: String(TIMEOUT_S) });
  t.atelier.startBackground();
  serviceId = await deploySleepy(t, 'sleepy');
});

after(async () => {
  await t.close();
});

test('the setting: --infer-timeout / ATELIER_INFER_TIMEOUT in seconds, 60 by default, bounded', () => {
  assert.equal(loadConfig({}).inferTimeoutSeconds, 60);
  assert.equal(loadConfig({ ATELIER_INFER_TIMEOUT: '5' }).inferTimeoutSeconds, 5);
  assert.equal(loadConfig({}, { 'infer-timeout': '7' }).inferTimeoutSeconds, 7);
  assert.throws(() => loadConfig({ ATELIER_INFER_TIMEOUT: '0' }), /infer timeout/);
  assert.throws(() => loadConfig({ ATELIER_INFER_TIMEOUT: 'soon' }), /infer timeout/);
});

test('a prediction slower than the timeout answers 504 ModelArts.4503 after about the timeout; quick ones still answer', async () => {
  const started = Date.now();
  await assert.rejects(t.client.services.predict(serviceId, { body: { sleep: 30 } }), apiFailure(504, 'ModelArts.4503', `within ${TIMEOUT_S} s`));
  const took = Date.now() - started;
  assert.ok(took >= TIMEOUT_S * 1000 - 100, `answered after ${took} ms, before the timeout`);
  assert.ok(took < TIMEOUT_S * 1000 + 8000, `answered after ${took} ms`);
  assert.deepEqual(await t.client.services.predict(serviceId, { body: { tag: 'quick' } }), { echo: 'quick' });
  // Slower than asked, but within the timeout: answered.
  assert.deepEqual(await t.client.services.predict(serviceId, { body: { sleep: 0.5, tag: 'slowish' } }), { echo: 'slowish' });
  const s = await t.client.services.show(serviceId);
  assert.ok(s.failed_times >= 1, 'the timeout counts as a failed call');
  // The model server still answers its health checks: the service is not taken for broken.
  assert.equal(s.status, 'running');
});

test('70 timed-out requests leave the instance serving: their connections are dropped and the next request answers', async () => {
  const pids = modelServerPids(t.config.dataDir);
  assert.ok(pids.length > 0);
  const started = Date.now();
  const slow = await Promise.all(Array.from({ length: 70 }, () => sendPrediction(t.client, serviceId, { sleep: 60 })));
  const took = Date.now() - started;
  // The 64 connections to the instance time out together; the other 6 wait for a free one and
  // time out as well.
  for (const r of slow) assert.deepEqual([r.status, r.body.error_code], [504, 'ModelArts.4503']);
  assert.ok(took < TIMEOUT_S * 1000 + 15_000, `70 timeouts took ${took} ms`);
  // The model's threads still sleep, but no connection of theirs is open any more.
  const stats = await t.client.services.predict<Stats>(serviceId, { body: { stats: true } });
  assert.ok(stats.in_progress >= 30, `the model still works on the dropped requests (${JSON.stringify(stats)})`);
  await eventually('the dropped connections closed', async () => (establishedConnections(pids) <= 4 ? true : undefined), 10_000);
  const quick = Date.now();
  assert.deepEqual(await t.client.services.predict(serviceId, { body: { tag: 'after-70' } }), { echo: 'after-70' });
  assert.ok(Date.now() - quick < 5000, 'answered at once, not after a wait for a connection');
  const events = (await t.client.services.events(serviceId)).events;
  assert.ok(!events.some((e) => e.event_type === 'abnormal'), 'a slow model that still answers its health checks is not restarted');
});

test('a client that disconnects drops its request to the model server; 70 abandoned requests do not hold the instance', async () => {
  // Long timeout: only the disconnects can free the connections here.
  const t2 = await startTestApp({ ATELIER_INFER_TIMEOUT: '300' });
  try {
    t2.atelier.startBackground();
    const id = await deploySleepy(t2, 'abandoned');
    const pids = modelServerPids(t2.config.dataDir);

    // Ten callers: each request reaches the model, then its caller goes away.
    const callers = Array.from({ length: 10 }, () => new AbortController());
    const pending = callers.map((c) => sendPrediction(t2.client, id, { sleep: 120 }, c.signal).catch((e: unknown) => e));
    await eventually('ten requests in the model', async () => {
      const s = await t2.client.services.predict<Stats>(id, { body: { stats: true } });
      return s.in_progress === 10 ? s : undefined;
    });
    const during = establishedConnections(pids);
    assert.ok(during >= 10, `ten connections to the model server are open (${during})`);
    for (const c of callers) c.abort();
    await Promise.all(pending);
    await eventually('the model server connections dropped', async () => (establishedConnections(pids) <= during - 10 ? true : undefined), 10_000);

    // Seventy more, abandoned: more than the instance's 64 connections.
    const more = Array.from({ length: 70 }, () => new AbortController());
    const waiting = more.map((c) => sendPrediction(t2.client, id, { sleep: 120 }, c.signal).catch((e: unknown) => e));
    await eventually('64 connections busy', async () => (establishedConnections(pids) >= 64 ? true : undefined), 30_000);
    for (const c of more) c.abort();
    await Promise.all(waiting);
    const started = Date.now();
    assert.deepEqual(await t2.client.services.predict(id, { body: { tag: 'still-here' } }), { echo: 'still-here' });
    assert.ok(Date.now() - started < 10_000, 'the next request answered without waiting for the abandoned ones');
    const stats = await t2.client.services.predict<Stats>(id, { body: { stats: true } });
    assert.ok(stats.in_progress >= 64, `the model still sleeps on the abandoned requests (${JSON.stringify(stats)})`);
  } finally {
    await t2.close();
  }
});
