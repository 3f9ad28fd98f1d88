// The local pool: a job's flavor takes its cores and memory; a job that does not fit waits in
// Pending/Queuing and starts, first come first served, when capacity frees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { PY_ENGINE, ended, phaseIs, putCode, waitForJob, type Job } from './helpers.ts';

describe('scheduling on the local pool', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    // Strict reservations: the pool's cores are not over-committed, so a full pool queues jobs.
    t = await startTestApp({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
    code = putCode(t, 'sched/code', 'sleep.py', 'import sys, time\ntime.sleep(float(sys.argv[1].split("=")[1]))\n');
  });
  after(() => t.close());

  const create = async (name: string, seconds: number, flavorId: string, nodes: number) =>
    (
      await t.client.training.createJob({
        metadata: { name },
        algorithm: { ...code, engine: { engine_id: PY_ENGINE }, parameters: [{ name: 'sleep', value: String(seconds) }] },
        spec: { resource: { flavor_id: flavorId, node_count: nodes } },
      })
    ).metadata.id;

  const endOf = (j: Job) => Number(j.status.start_time) + j.status.duration;

  test('a job waits in Pending/Queuing while the pool is full, then starts in creation order', async () => {
    const flavors = (await t.client.training.flavors()).flavors;
    // The biggest flavor at its max_num takes the whole pool.
    const whole = flavors.reduce((a, b) => (b.flavor_info.cpu!.core_num * b.max_num >= a.flavor_info.cpu!.core_num * a.max_num ? b : a));
    const small = flavors.find((f) => f.flavor_info.cpu!.core_num === 1)!;
    const a = await create('pool-a', 1.5, whole.flavor_id, whole.max_num);
    const b = await create('pool-b', 0, small.flavor_id, 1);
    const c = await create('pool-c', 0, whole.flavor_id, whole.max_num);
    const d = await create('pool-d', 60, small.flavor_id, 1);
    await waitForJob(t.client, a, phaseIs('Running'));
    for (const id of [b, c, d]) {
      // The scheduling pass that queues a job may still be under way when `a` is seen running.
      const waiting = await waitForJob(t.client, id, (j) => j.status.phase !== 'Creating');
      assert.equal(waiting.status.phase, 'Pending', `${waiting.metadata.name} ${waiting.status.phase}`);
      assert.equal(waiting.status.secondary_phase, 'Queuing');
      assert.equal(waiting.status.start_time, 0);
    }
    // A queued job can be terminated at once; it never runs.
    const stopped = await t.client.training.terminateJob(d);
    assert.equal(stopped.status.phase, 'Terminated');
    assert.equal((await t.client.training.getJob(d)).status.duration, 0);

    const [ja, jb, jc] = [await waitForJob(t.client, a, ended), await waitForJob(t.client, b, ended), await waitForJob(t.client, c, ended)];
    for (const j of [ja, jb, jc]) assert.equal(j.status.phase, 'Completed');
    assert.ok(Number(jb.status.start_time) >= endOf(ja) - 5, 'b started after a released the pool');
    assert.ok(Number(jc.status.start_time) >= Number(jb.status.start_time), 'c after b: first come, first served');
    await assert.rejects(t.client.training.terminateJob(d), apiFailure(400, 'ModelArts.0107'));
  });

  test('the pool is shared: capacity held by another workload (a service instance) keeps a job queued until it is released', async () => {
    const pool = t.atelier.context.localPool;
    assert.ok(pool.reserve('service:test-holder', pool.capacity), 'another workload holds the whole pool');
    try {
      const id = await create('shared-pool', 0, 'modelarts.vm.cpu.1u', 1);
      await waitForJob(t.client, id, phaseIs('Pending'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await t.client.training.getJob(id)).status.secondary_phase, 'Queuing');
      pool.release('service:test-holder');
      assert.equal((await waitForJob(t.client, id, ended)).status.phase, 'Completed');
    } finally {
      pool.release('service:test-holder');
    }
    // While a job runs, the pool shows training's share to everyone else.
    const long = await create('shared-pool-long', 2, 'modelarts.vm.cpu.1u', 1);
    await waitForJob(t.client, long, phaseIs('Running'));
    assert.ok(pool.used('service:x').cpu >= 1, 'the running job holds a core in the shared pool');
    await waitForJob(t.client, long, ended);
  });
});
