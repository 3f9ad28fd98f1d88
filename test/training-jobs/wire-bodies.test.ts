import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';
import { assertObjectBodies, recordBodies, routesTagged } from '../helpers/object-bodies.ts';

// Every route of the algorithm and training families answers its 2xx with a JSON object (never null,
// an empty body, an array or a string), as the official Node.js SDK needs.
describe('training wire: every 2xx body is a JSON object', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  test('algorithms (#107-111), training jobs (#112-120), flavors and engines (#121-122)', async () => {
    const routes = await routesTagged(t.url, ['Algorithm Management', 'Training Job Management', 'Resource and Engine Specifications']);
    const recorder = recordBodies(t.client);
    const c = t.client.training;
    const code = putCode(t, 'wire/code', 'train.py', 'print("loss=0.1")\n');

    await c.flavors();
    await c.engines();
    const algo = await c.createAlgorithm({
      metadata: { name: 'wire' },
      job_config: { ...code, engine: { engine_id: PY_ENGINE }, outputs: [{ name: 'train_url' }] },
    });
    const id = algo.metadata.id;
    await c.getAlgorithm(id);
    await c.listAlgorithms();
    await c.updateAlgorithm(id, { metadata: { name: 'wire', description: 'changed' } });

    const job = await c.createJob({
      metadata: { name: 'wire-job' },
      algorithm: { id, outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/wire/out/` } } }] },
      spec: { resource: { flavor_id: CPU1 } },
    });
    const jobId = job.metadata.id;
    await waitForJob(t.client, jobId, ended);
    await c.getJob(jobId);
    await c.listJobs();
    await c.logPreview(jobId);
    const { obs_url } = await c.logUrl(jobId);
    // The signed log link is a file download, not JSON.
    const download = '/atelier/training-logs/{training_job_id}/{task_id}';
    const log = await fetch(obs_url);
    assert.equal(log.status, 200);
    assert.match(log.headers.get('content-type') ?? '', /^text\/plain/);
    await c.metrics(jobId);
    await c.changeJobDescription(jobId, 'wire');
    const sleeper = await c.createJob({
      metadata: { name: 'wire-stop' },
      algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: CPU1 } },
    });
    await c.terminateJob(sleeper.metadata.id);
    await c.deleteJob(jobId);
    await c.deleteAlgorithm((await c.createAlgorithm({ metadata: { name: 'wire-bare' } })).metadata.id);

    assert.ok(routes.has(`GET ${download}`), 'the download route is in the document');

    assertObjectBodies(recorder, routes, [`GET ${download}`]);
  });
});
