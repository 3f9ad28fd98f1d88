// The input scan is durable background work: it survives a restart and stops when its dataset goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, restartedApp, startTestApp } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, PNG, putFile } from './fixtures.ts';

test('a scan queued before a restart runs in the next process', async () => {
  const t = await startTestApp();
  try {
    for (const n of [1, 2, 3, 4, 5]) putFile(t, `/restart/in/${n}.png`, PNG);
    // No background work in this process: the scan stays queued, the dataset "creating".
    const { dataset_id } = await t.client.datasets.create(createBody('restart-me', '/restart/in/', '/restart/out/'));
    const first = await t.client.datasets.describe(dataset_id, { check_running_task: true });
    assert.equal(first.status, 0);
    assert.equal(first.exist_running_task, true);
    assert.equal(first.running_tasks_id?.length, 1);
    await t.atelier.close();

    const { atelier: next, client } = await restartedApp(t);
    try {
      const d = await datasetReady(client, dataset_id);
      assert.equal(d.total_sample_count, 5);
      const checked = await client.datasets.describe(dataset_id, { check_running_task: true });
      assert.equal(checked.exist_running_task, false);
      assert.deepEqual(checked.running_tasks_id, []);
    } finally {
      await next.close();
    }
  } finally {
    await t.close();
  }
});

test('deleting a dataset while its scan runs stops the scan cleanly and leaves no samples', async () => {
  const t = await startTestApp();
  try {
    for (let n = 0; n < 3000; n++) putFile(t, `/busy/in/${String(n).padStart(4, '0')}.png`, PNG);
    t.atelier.startBackground();
    const { dataset_id } = await t.client.datasets.create(createBody('busy', '/busy/in/', '/busy/out/'));
    const d = await t.client.datasets.describe(dataset_id, { check_running_task: true });
    const scanTaskId = d.running_tasks_id?.[0];
    assert.ok(scanTaskId, 'the scan is a running task of the dataset');
    await t.client.datasets.delete(dataset_id);
    await assert.rejects(t.client.datasets.describe(dataset_id), apiFailure(404, 'ModelArts.6623'));
    const { tasks } = t.atelier.context;
    const task = await eventually(
      'scan task ended',
      () => tasks.get(scanTaskId),
      (r) => r !== undefined && r.status !== 'running' && r.status !== 'queued',
    );
    assert.equal(task?.status, 'cancelled');
    const { db } = t.atelier.context.database;
    // A batch the scan was writing when the dataset went cannot land: samples reference their dataset.
    const left = await db.selectFrom('samples').select('id').where('dataset_id', '=', dataset_id).execute();
    assert.equal(left.length, 0);
  } finally {
    await t.close();
  }
});

test('the reconciler tells the truth about work that vanished: a lost scan makes the dataset abnormal, a lost publication ends its version in error', async () => {
  const t = await startTestApp();
  try {
    putFile(t, '/lost/in/1.png', PNG);
    const { tasks, reconcilers, worker } = t.atelier.context;
    const { dataset_id, import_task_id } = await t.client.datasets.create(createBody('lost-scan', '/lost/in/', '/lost/out/'));
    assert.equal((await t.client.datasets.describeImportTask(dataset_id, import_task_id!)).status, 'QUEUING');
    const [scanId] = (await t.client.datasets.describe(dataset_id, { check_running_task: true })).running_tasks_id ?? [];
    assert.ok(scanId);
    assert.ok(await tasks.cancel(scanId));
    await reconcilers.runOnce();
    assert.equal((await t.client.datasets.describe(dataset_id)).status, 4, 'abnormal, not "creating" forever');
    const lost = await t.client.datasets.describeImportTask(dataset_id, import_task_id!);
    assert.deepEqual([lost.status, lost.error_code], ['FAILED', 'ModelArts.4921'], 'its import says it failed, and why');
    assert.match(lost.error_msg ?? '', /ended without finishing/);

    const ok = (await t.client.datasets.create(createBody('lost-publish', '/lost/in/', '/lost/out2/'))).dataset_id;
    t.atelier.startBackground();
    await datasetReady(t.client, ok);
    await worker.stop();
    const { version_id } = await t.client.datasets.createVersion(ok);
    const [publishId] = (await t.client.datasets.describe(ok, { check_running_task: true, running_task_type: 6 })).running_tasks_id ?? [];
    assert.ok(publishId);
    assert.ok(await tasks.cancel(publishId));
    await reconcilers.runOnce();
    const v = await t.client.datasets.describeVersion(ok, version_id);
    assert.equal(v.status, 4);
    assert.match(v.message ?? '', /publishing task ended/);
    const d = await t.client.datasets.describe(ok);
    assert.equal(d.status, 1);
    assert.equal(d.current_version_id, undefined);
  } finally {
    await t.close();
  }
});
