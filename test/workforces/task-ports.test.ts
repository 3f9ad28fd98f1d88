import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '#src/core/errors.ts';
import { workforcesModule } from '#src/modules/workforces/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

// The ports the team labeling tasks will give this family, and the lookups they will call, over the
// app's own database (no tasks family exists yet to drive them through HTTP).
let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

test('a team a task uses is not deleted; a task lists its teams; members are found by team and role', async () => {
  const used = new Map<string, string[]>();
  const family = workforcesModule({
    ...t.atelier.context,
    usage: { tasksUsing: async (_projectId, workforceId) => used.get(workforceId) ?? [] },
    taskWorkforces: { workforcesOfTask: async (_projectId, taskId) => (taskId === 'task-1' ? [...used.keys()] : undefined) },
  });
  const p = t.creds.project_id;
  const { workforce_id: wf } = await family.workforces.create(p, { workforce_name: 'in-use' });
  await family.workforces.create(p, { workforce_name: 'idle' });
  used.set(wf, ['task-1']);

  await assert.rejects(family.workforces.remove(p, wf), (e: unknown) => e instanceof ApiError && e.code === 'ModelArts.4615' && e.message.includes('task-1'));
  assert.equal((await t.client.workforces.describe(wf)).workforce_name, 'in-use');

  const ofTask = await family.workforces.list(p, { workforce_task_id: 'task-1', limit: 10, offset: 0 });
  assert.deepEqual(
    ofTask.workforces.map((w) => w.workforce_id),
    [wf],
  );
  assert.equal((await family.workforces.list(p, { workforce_task_id: 'task-2', limit: 10, offset: 0 })).total_number, 0);

  await t.client.workforces.createWorker(wf, { emails: 'lab1@example.com,lab2@example.com', role: 0 });
  await t.client.workforces.createWorker(wf, { emails: 'rev@example.com', role: 1 });
  const labelers = await family.workforces.membersOf(p, wf, 0);
  assert.deepEqual(labelers.map((m) => m.email).sort(), ['lab1@example.com', 'lab2@example.com']);
  assert.ok(labelers.every((m) => /^[0-9a-f]{32}$/.test(m.user_id) && m.project_id === p));
  assert.equal((await family.workforces.membersOf(p, wf)).length, 3);

  // A removed member stays findable by id (status 3) for the task views that name them.
  const rev = (await family.workforces.membersOf(p, wf, 1))[0]!;
  await t.client.workforces.deleteWorker(wf, rev.worker_id);
  assert.deepEqual(await family.workforces.workersById(p, [rev.worker_id]), []);
  assert.equal((await family.workforces.workersById(p, [rev.worker_id], true))[0]?.status, 3);

  used.delete(wf);
  await family.workforces.remove(p, wf);
  await assert.rejects(t.client.workforces.describe(wf));
});
