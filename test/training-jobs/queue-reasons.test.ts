// Queued work says why: a job waiting in Pending/Queuing names, in its task statuses and in its
// events (the service log lines of its task logs), the resource it waits for and the workloads of
// its project that hold it; other projects' workloads are only "other workloads". The local pool's
// CPU over-commit (default 2) lets a job start next to two idle 1-core services on a 2-core pool.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { loadConfig } from '#src/config.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { behindReason, holdersText, queueReason } from '#src/modules/training-jobs/queue-reasons.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';
import { CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';

const ONE_CORE = { specification: 'custom', custom_spec: { cpu: 1, memory: 128 } };

describe('the local pool: over-commit and why a request does not fit', () => {
  test('the setting: default 2, 1 turns it off, bad values are refused', () => {
    assert.equal(loadConfig({}).localPool.cpuOvercommit, 2);
    assert.equal(loadConfig({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' }).localPool.cpuOvercommit, 1);
    assert.equal(loadConfig({}, { 'local-pool-cpu-overcommit': '1.5' }).localPool.cpuOvercommit, 1.5);
    for (const bad of ['0.5', 'x', '', '65']) assert.throws(() => loadConfig({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: bad }), /overcommit/);
  });

  test('over-commit hands out the cores that many times, never the memory', () => {
    const pool = new LocalPool({ cpu: 1, memoryMb: 1000, cpuOvercommit: 2 });
    assert.deepEqual(pool.schedulable, { cpu: 2, memoryMb: 1000 });
    assert.ok(pool.reserve('a', { cpu: 1, memoryMb: 400 }));
    assert.ok(pool.reserve('b', { cpu: 1, memoryMb: 400 }), 'the second core-sized share fits on one core');
    assert.ok(!pool.reserve('c', { cpu: 0.5, memoryMb: 100 }), 'no more cores to hand out');
    pool.release('b');
    assert.ok(!pool.reserve('c', { cpu: 0.5, memoryMb: 700 }), 'memory is not over-committed');
    const strict = new LocalPool({ cpu: 1, memoryMb: 1000 });
    assert.ok(strict.reserve('a', { cpu: 1, memoryMb: 1 }));
    assert.ok(!strict.reserve('b', { cpu: 1, memoryMb: 1 }));
  });

  test('a shortage names the short resource and every other holding; the text names only the own project', () => {
    const pool = new LocalPool({ cpu: 2, memoryMb: 1000, cpuOvercommit: 1 });
    pool.reserve('svc-1', { cpu: 1, memoryMb: 100 }, { kind: 'service', id: 'id-mine', name: 'mine', projectId: 'p1' });
    pool.reserve('svc-2', { cpu: 0.5, memoryMb: 100 }, { kind: 'service', id: 'id-theirs', name: 'theirs', projectId: 'p2' });
    pool.reserve('anon', { cpu: 0.25, memoryMb: 50 });
    assert.equal(pool.shortage('job', { cpu: 0.25, memoryMb: 100 }), undefined);
    const short = pool.shortage('job', { cpu: 1, memoryMb: 900 });
    assert.ok(short);
    assert.deepEqual(short.cpu, { need: 1, free: 0.25 });
    assert.deepEqual(short.memoryMb, { need: 900, free: 750 });
    assert.deepEqual(
      short.holdings.map((h) => h.key),
      ['svc-1', 'svc-2', 'anon'],
    );
    const text = queueReason({ id: 'j', name: 'job', project_id: 'p1' }, pool, short);
    assert.match(
      text,
      /^Queuing for CPU and memory: it needs 1 CPU core, 0.25 of the pool's 2 are free; it needs 900 MB of memory, 750 of the pool's 1000 MB are free; /,
    );
    assert.match(text, /held by service "mine" \(id-mine\): 1 CPU core, 100 MB; other workloads: 0.75 CPU cores, 150 MB$/);
    assert.doesNotMatch(text, /theirs/);
    assert.equal(holdersText('p3', []), 'nothing else holds the pool');
    const over = new LocalPool({ cpu: 1, memoryMb: 1000, cpuOvercommit: 2 });
    assert.match(
      queueReason({ id: 'j', name: 'job', project_id: 'p1' }, over, { cpu: { need: 4, free: 2 }, holdings: [] }),
      /\(1 CPU core over-committed 2 times\)/,
    );
  });

  test('a job that would fit waits behind an earlier one; an earlier job of another project is not named', () => {
    const mine = { id: 'j2', name: 'second', project_id: 'p1' };
    assert.match(behindReason(mine, { id: 'j1', name: 'first', project_id: 'p1' }), /behind training job "first" \(j1\)/);
    const other = behindReason(mine, { id: 'j9', name: 'secret', project_id: 'p2' });
    assert.doesNotMatch(other, /secret|j9/);
    assert.match(other, /other workloads/);
  });
});

/** Deploys an ONNX service of one core; resolves with its id once it runs. */
async function oneCoreService(t: TestApp, client: AtelierClient, name: string, bucket: string): Promise<string> {
  const source = await putPackage(t, bucket, name, onnxPackage());
  const model = await importModel(client, source, `${name}-model`);
  const { service_id } = await client.services.create({
    service_name: name,
    infer_type: 'real-time',
    config: [{ model_id: model, weight: 100, instance_count: 1, ...ONE_CORE }],
  });
  await eventually(`service ${name} running`, async () => {
    const s = await client.services.show(service_id);
    if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
    return s.status === 'running' ? s : undefined;
  });
  return service_id;
}

async function quickJob(t: TestApp, name: string): Promise<string> {
  const code = putCode(t, `queue/${name}`, 'quick.py', 'print("trained")\n');
  const created = await t.client.training.createJob({
    metadata: { name },
    algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });
  return created.metadata.id;
}

describe('a job queued behind two 1-core services on a 2-core pool, without over-commit', () => {
  let t: TestApp;
  let other: AtelierClient;
  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU: '2', ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    t.atelier.startBackground(); // models are published by background tasks
    other = await t.newTenant('queue-other');
    await t.atelier.context.buckets.create((await t.atelier.context.identity.domain('queue-other')).id, 'queue-other-models');
  });
  after(() => t.close());

  test('its status and its events say it waits for CPU, held by the own service and other workloads; it starts once the service stops', async () => {
    const mine = await oneCoreService(t, t.client, 'holder-mine', 'queue-models');
    const theirs = await oneCoreService(t, other, 'holder-secret', 'queue-other-models');
    const id = await quickJob(t, 'starved');
    const queued = await waitForJob(t.client, id, (j) => j.status.phase === 'Pending' && (j.status.task_statuses?.length ?? 0) > 0);
    assert.equal(queued.status.secondary_phase, 'Queuing');
    const status = queued.status.task_statuses![0]!;
    assert.equal(status.task, 'worker-0');
    assert.equal(status.exit_code, -1);
    assert.match(status.message, /^Queuing for CPU: it needs 1 CPU core, 0 of the pool's 2 are free; /);
    assert.ok(status.message.includes(`service "holder-mine" (${mine}): 1 CPU core, 128 MB`), status.message);
    assert.ok(status.message.includes('other workloads: 1 CPU core, 128 MB'), status.message);
    assert.ok(!status.message.includes('holder-secret') && !status.message.includes(theirs), 'another project stays unnamed');
    // The same words are an event of the job: a service log line of its task log.
    const log = await eventually('the queue event', async () => {
      const content = (await t.client.training.logPreview(id)).content;
      return content.includes(status.message) ? content : undefined;
    });
    assert.match(log, /\[ModelArts Service Log\] \S+ Queuing for CPU/);
    assert.ok(!log.includes('holder-secret'));
    // Another project sees nothing of the job.
    await assert.rejects(other.training.getJob(id));

    await t.client.services.update(mine, { status: 'stopped' });
    const done = await waitForJob(t.client, id, ended);
    assert.equal(done.status.phase, 'Completed');
    assert.ok(!(done.status.task_statuses ?? []).some((s) => s.message.startsWith('Queuing')), 'the explanation goes once the job runs');
    assert.match((await t.client.training.logPreview(id)).content, /left the queue after [\d.]+ s[\s\S]*trained/);
    await other.services.delete(theirs);
    await t.client.services.delete(mine);
  });

  test('a queued job that is terminated keeps no explanation', async () => {
    const pool = t.atelier.context.localPool;
    assert.ok(pool.reserve('test:holder', pool.capacity));
    try {
      const id = await quickJob(t, 'given-up');
      await waitForJob(t.client, id, (j) => (j.status.task_statuses?.length ?? 0) > 0);
      const stopped = await t.client.training.terminateJob(id);
      assert.equal(stopped.status.phase, 'Terminated');
      assert.equal((await t.client.training.getJob(id)).status.task_statuses, undefined);
    } finally {
      pool.release('test:holder');
    }
  });
});

describe('with the default over-commit, the same job runs next to two idle 1-core services', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU: '2' });
    t.atelier.startBackground();
  });
  after(() => t.close());

  test('it starts at once and completes', async () => {
    const a = await oneCoreService(t, t.client, 'idle-a', 'overcommit-models');
    const b = await oneCoreService(t, t.client, 'idle-b', 'overcommit-models');
    const id = await quickJob(t, 'side-by-side');
    const done = await waitForJob(t.client, id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.ok(!(await t.client.training.logPreview(id)).content.includes('Queuing'), 'it never queued');
    await t.client.services.delete(a);
    await t.client.services.delete(b);
  });
});
