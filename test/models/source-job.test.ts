// A model imported from a training job (source_job_id, source_job_version): the job must be one of
// the caller's project that has completed, and the package must lie in one of its outputs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, putObject, waitForJob } from '../training-jobs/helpers.ts';
import { eventually, onnxPackage, putPackage } from './fixtures.ts';

// The job "trains" by copying its input (a model package) into its output, as a real one writes model/.
const COPY = `
import shutil, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
shutil.copytree(args["data_url"], args["train_url"], dirs_exist_ok=True)
sys.exit(int(args.get("exit", "0")))
`;

describe('CreateModel from a training job', () => {
  let t: TestApp;
  let other: AtelierClient;
  let completed: string;
  let failed: string;
  const output = (name: string) => `/${BUCKET}/src-jobs/out/${name}/`;

  const runJob = async (name: string, exit: string): Promise<string> => {
    const job = await t.client.training.createJob({
      kind: 'job',
      metadata: { name },
      algorithm: {
        ...putCode(t, 'src-jobs/code', 'train.py', COPY),
        engine: { engine_id: PY_ENGINE },
        parameters: [{ name: 'exit', value: exit }],
        inputs: [{ name: 'data_url', remote: { obs: { obs_url: `/${BUCKET}/src-jobs/pkg/` } } }],
        outputs: [{ name: 'train_url', remote: { obs: { obs_url: output(name) } } }],
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    await waitForJob(t.client, job.metadata.id, ended, 60_000);
    return job.metadata.id;
  };

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    for (const [rel, body] of Object.entries(onnxPackage())) putObject(t, `src-jobs/pkg/${rel}`, typeof body === 'string' ? body : Buffer.from(body));
    completed = await runJob('copy-ok', '0');
    failed = await runJob('copy-fail', '3');
    assert.equal((await t.client.training.getJob(completed)).status.phase, 'Completed');
    assert.equal((await t.client.training.getJob(failed)).status.phase, 'Failed');
    other = await t.newTenant('src-other');
  });
  after(() => t.close());

  const body = (name: string, extra: Record<string, unknown>) => ({
    model_name: name,
    model_version: '1.0.0',
    model_type: 'PyTorch' as const,
    source_location: output('copy-ok'),
    ...extra,
  });
  const count = async (client: AtelierClient) => (await client.models.list()).total_count;

  test("the job's output imports, and ShowModel names the job", async () => {
    const { model_id } = await t.client.models.create(body('from-job', { source_job_id: completed, source_job_version: 'V001' }));
    const m = await eventually('model published', async () => {
      const d = await t.client.models.show(model_id);
      if (d.model_status === 'failed') throw new Error(`model failed: ${d.error_msg}`);
      return d.model_status === 'published' ? d : undefined;
    });
    assert.equal(m.source_job_id, completed);
    assert.equal(m.source_job_version, 'V001');
    assert.equal(m.source_location, output('copy-ok'));
  });

  test('a blank source_job_id, the default, names no job', async () => {
    const { model_id } = await t.client.models.create(body('blank-job', { source_job_id: '', source_job_version: '' }));
    const m = await t.client.models.show(model_id);
    assert.equal(m.source_job_id, undefined);
    assert.equal(m.source_job_version, undefined);
  });

  test('a job that is not Completed, a package outside its outputs, or a version without a job are refused; nothing is stored', async () => {
    const before = await count(t.client);
    await assert.rejects(
      t.client.models.create(body('from-failed', { source_job_id: failed, source_location: output('copy-fail') })),
      apiFailure(400, 'ModelArts.3037', 'Failed'),
    );
    const elsewhere = await putPackage(t, 'models-src', 'pkg', onnxPackage());
    await assert.rejects(
      t.client.models.create(body('elsewhere', { source_job_id: completed, source_location: elsewhere })),
      apiFailure(400, 'ModelArts.3037', 'source_location'),
    );
    // Another job's output is not this job's.
    await assert.rejects(
      t.client.models.create(body('other-output', { source_job_id: completed, source_location: output('copy-fail') })),
      apiFailure(400, 'ModelArts.3037', 'source_location'),
    );
    await assert.rejects(t.client.models.create(body('no-job', { source_job_version: 'V001' })), apiFailure(400, 'ModelArts.0104', 'source_job_version'));
    await assert.rejects(t.client.models.create(body('unknown-job', { source_job_id: 'no-such-job' })), apiFailure(400, 'ModelArts.2755', 'source_job_id'));
    assert.equal(await count(t.client), before);
  });

  test("another account's job is invisible: refused as a missing job, and nothing is stored", async () => {
    // The other account's own package, in a bucket it owns, so only the job is at stake.
    const { identity, buckets } = t.atelier.context;
    const user = await identity.user('src-other', 'src-other-admin');
    await buckets.create(user.domain_id, 'models-src-other');
    const own = await putPackage(t, 'models-src-other', 'pkg', onnxPackage());
    for (const extra of [{ source_job_id: completed }, { source_job_id: completed, source_job_version: 'V001' }, { source_job_id: failed }]) {
      await assert.rejects(
        other.models.create(body('stolen', { ...extra, source_location: own })),
        apiFailure(400, 'ModelArts.2755', completed === extra.source_job_id ? completed : failed),
      );
    }
    // Naming the job by its version alone is no way round.
    await assert.rejects(
      other.models.create(body('stolen', { source_job_version: completed, source_location: own })),
      apiFailure(400, 'ModelArts.0104', 'source_job_version'),
    );
    assert.equal(await count(other), 0);
    // Without a job the same request goes through: the refusal was the job's.
    await other.models.create(body('own', { source_location: own }));
    assert.equal(await count(other), 1);
  });
});
