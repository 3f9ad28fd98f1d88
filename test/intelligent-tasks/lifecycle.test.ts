// The lifecycle of an intelligent task: progress while the learner runs, a stop that kills it, and a
// server restart under a running task that runs it again to its end. The learner is held a while
// (the learner-pause setting) so there is time to act on it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, putFile } from '../datasets/fixtures.ts';
import { generator, sentence, taskDone, TOPIC_NAMES } from './fixtures.ts';

/** Pids of live learner processes of a task (found by the task's folder on their command line). */
function learners(taskId: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      const state = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmd.includes('learner.py') && cmd.includes(`intelligent-tasks/${taskId}`) && state !== 'Z') out.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe('intelligent task lifecycle (#64, #66, #67)', () => {
  let t: TestApp;
  let texts: string;

  before(async () => {
    t = await startTestApp({ ATELIER_LEARNER_PAUSE_S: '4' });
    t.atelier.startBackground();
    const rand = generator(5);
    const lines: string[] = [];
    for (const topic of TOPIC_NAMES) for (let i = 0; i < 6; i++) lines.push(`${sentence(topic, rand, i)}\t${topic}`);
    for (let i = 0; i < 30; i++) lines.push(sentence(TOPIC_NAMES[i % 3]!, rand, 100 + i));
    putFile(t, '/life/txt/set.txt', lines.join('\n') + '\n');
    texts = (await t.client.datasets.create(createBody('life', '/life/txt/', '/life/work/', { dataset_type: 100 }))).dataset_id;
    await datasetReady(t.client, texts);
  });
  after(() => t.close());

  test('stop while the learner runs: its process is killed, the task ends stopped, no sample changes', async () => {
    const { task_id } = await t.client.intelligentTasks.create(texts, {});
    const running = await eventually(
      'learner running',
      () => t.client.intelligentTasks.describe(texts, task_id),
      (d) => d.status === 1 && learners(task_id).length > 0,
    );
    assert.ok(running.progress > 0 && running.progress < 100, `progress ${running.progress}`);
    assert.deepEqual(await t.client.intelligentTasks.stop(texts, task_id), {});
    const done = await taskDone(t.client, texts, task_id);
    assert.equal(done.status, 5, JSON.stringify(done));
    await eventually(
      'learner gone',
      async () => learners(task_id),
      (l) => l.length === 0,
      5000,
    );
    assert.equal((await t.client.intelligentTasks.samples(texts)).sample_count, 0);
    // Stopping again is harmless.
    assert.deepEqual(await t.client.intelligentTasks.stop(texts, task_id), {});
  });

  test('a restart under a running task: the old learner is killed and the task runs again to its end', async () => {
    const { task_id } = await t.client.intelligentTasks.create(texts, { config: { algorithm_type: 'accurate' } });
    await eventually(
      'learner running',
      async () => learners(task_id),
      (l) => l.length > 0,
    );
    const old = learners(task_id);
    await t.atelier.close();
    const next = await restartedApp(t);
    try {
      const done = await eventually(
        'task done after restart',
        () => next.client.intelligentTasks.describe(texts, task_id),
        (d) => d.status >= 2,
        90_000,
      );
      assert.equal(done.status, 3, JSON.stringify(done));
      assert.equal(done.result.unconfirmed_sample_count, 30);
      for (const pid of old) assert.ok(!learners(task_id).includes(pid), 'the learner of before the restart is gone');
    } finally {
      await next.atelier.close();
    }
  });
});
