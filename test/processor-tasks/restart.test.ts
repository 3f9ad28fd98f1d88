import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { restartedApp, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, putFile } from '../datasets/fixtures.ts';
import { patternImage } from './fixtures.ts';

describe('processing versions are durable', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
  });
  after(() => t.close());

  // A graceful stop hands the queue task back, so the next server reruns it at once rather than
  // after the 30 s lease: the deadline below is shorter than the lease.
  test('a version interrupted by a restart runs again to completion at once', async () => {
    const img = await patternImage(30, 480, 360, 'jpeg');
    for (let i = 0; i < 60; i++) putFile(t, `/proc-restart/in/${i}.jpg`, img);
    const { task_id } = await t.client.processorTasks.create({
      name: 'restart-1',
      inputs: [{ type: 'OBS', source: '/proc-restart/in/' }],
      work_path: { type: 'OBS', path: '/proc-restart/out/' },
      create_version: true,
      template: { id: 'sys_data_augmentation', operator_params: [{ name: 'AddNoise', params: { noise_type: 'Gauss' } }] },
    });
    const running = await eventually(
      'version running',
      () => t.client.processorTasks.listVersions(task_id),
      (l) => l.versions[0]?.status === 1,
    );
    const versionId = running.versions[0]?.task_version_id ?? '';
    await t.atelier.close();
    const again = await restartedApp(t);
    try {
      const done = await eventually(
        'version completed after the restart',
        () => again.client.processorTasks.describeVersion(task_id, versionId),
        (v) => v.status >= 2,
        20_000,
      );
      assert.equal(done.status, 2, done.error_msg);
      assert.equal(done.add_sample_count, 60);
      assert.equal(done.origin_sample_count, 60);
      assert.equal((await again.client.processorTasks.results(task_id, versionId, { result_property: '3' })).count, 60);
    } finally {
      await again.atelier.close();
    }
  });
});
