// Without a sandbox (bubblewrap missing, or --sandbox none) the owner account's workloads still run,
// unconfined; other accounts' training jobs and Python deployments are refused up front with a
// ModelArts error naming what is missing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, putObject, waitForJob } from '../training-jobs/helpers.ts';

const OTHER = 'other-bucket';
const small = { specification: 'custom', custom_spec: { cpu: 0.5, memory: 256 } };

describe('without a sandbox', () => {
  let t: TestApp;
  let other: AtelierClient;

  before(async () => {
    t = await startTestApp({ ATELIER_SANDBOX: 'none' });
    t.atelier.startBackground();
    other = await t.newTenant('other');
    await t.atelier.context.buckets.create((await t.atelier.context.identity.domain('other')).id, OTHER);
  });
  after(() => t.close());

  const job = (code: { code_dir: string; boot_file: string }, extra: Record<string, unknown> = {}) => ({
    metadata: { name: 'job' },
    algorithm: { ...code, engine: { engine_id: PY_ENGINE }, ...extra },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test('the sandbox is off, and says why', () => {
    assert.equal(t.atelier.context.sandbox.backend, 'none');
    assert.match(t.atelier.context.sandbox.describe(), /turned off/);
  });

  test("the owner account's job still runs (unconfined)", async () => {
    const created = await t.client.training.createJob(job(putCode(t, 'owner', 'run.py', 'import os\nprint("uid", os.getuid())\n')));
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    assert.match(log, /without a sandbox/);
    assert.match(log, new RegExp(`uid ${process.getuid?.() ?? 0}`));
  });

  test("another account's job is refused up front, naming what is missing; nothing is stored", async () => {
    putObject(t, 'code/run.py', 'print("should not run")\n', OTHER);
    await assert.rejects(
      other.training.createJob(job({ code_dir: `/${OTHER}/code/`, boot_file: `/${OTHER}/code/run.py` })),
      apiFailure(400, 'ModelArts.6361', 'bubblewrap'),
    );
    await assert.rejects(
      other.training.createJob(job({ code_dir: `/${OTHER}/code/`, boot_file: `/${OTHER}/code/run.py` })),
      apiFailure(400, 'ModelArts.6361', 'ATELIER_SANDBOX'),
    );
    assert.equal((await other.training.listJobs({ limit: 10 })).count, 0);
  });

  test("another account's Python model is refused at deploy; its ONNX model (no user code) deploys", async () => {
    const python = await importModel(other, await putPackage(t, OTHER, 'py', examplePackage('py-threshold')), 'py', '1.0.0', 'Scikit_Learn');
    await assert.rejects(
      other.services.create({ service_name: 'py', infer_type: 'real-time', config: [{ model_id: python, weight: 100, instance_count: 1, ...small }] }),
      apiFailure(400, 'ModelArts.6361', 'bubblewrap'),
    );
    assert.equal((await other.services.list()).services.length, 0);
    const onnx = await importModel(other, await putPackage(t, OTHER, 'onnx', onnxPackage()), 'onnx');
    const { service_id } = await other.services.create({
      service_name: 'onnx',
      infer_type: 'real-time',
      config: [{ model_id: onnx, weight: 100, instance_count: 1, ...small }],
    });
    await eventually('the ONNX service running', async () => ((await other.services.show(service_id)).status === 'running' ? true : undefined), 30_000);
    await other.services.delete(service_id);
  });

  test("the owner's Python model deploys and answers", async () => {
    const python = await importModel(t.client, await putPackage(t, BUCKET, 'owner-py', examplePackage('py-threshold')), 'owner-py', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'owner-py',
      infer_type: 'real-time',
      config: [{ model_id: python, weight: 100, instance_count: 1, ...small }],
    });
    await eventually(
      'the service running',
      async () => {
        const s = await t.client.services.show(service_id);
        if (s.status === 'failed') throw new Error(`service failed: ${s.error_msg}`);
        return s.status === 'running' ? true : undefined;
      },
      60_000,
    );
    const answer = await t.client.services.predict<{ data: { resp_data: { predict_result: string }[] } }>(service_id, {
      body: { data: { req_data: [{ petal_length: 1.4 }] } },
    });
    assert.equal(answer.data.resp_data[0]?.predict_result, 'Iris-setosa');
    await t.client.services.delete(service_id);
  });

  test("without the sandbox a local_dir is not honoured: the job is given the channel's folder in its own job folder", async () => {
    const code = putCode(t, 'owner-ld', 'run.py', 'import sys\nprint("args", " ".join(sys.argv[1:]))\n');
    putObject(t, 'owner-ld/data/a.csv', 'x\n');
    const created = await t.client.training.createJob(
      job(code, { inputs: [{ name: 'data_url', local_dir: '/home/ma-user/data', remote: { obs: { obs_url: `/${BUCKET}/owner-ld/data/` } } }] }),
    );
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    const arg = /--data_url=(\S+)/.exec(log)?.[1] ?? '';
    assert.ok(arg.startsWith(t.config.dataDir), `the job reads its input from its own folder, got ${arg}`);
  });
});
