// Bucket ownership for algorithms, training jobs, models and services: account B (a tenant) against
// buckets of the server's account, and paths inside a batch manifest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually as published, importModel, onnxPackage, putPackage } from '../models/fixtures.ts';
import { PY_ENGINE } from '../training-jobs/helpers.ts';
import { dropFile, eventually, onDisk, ownerAccount, ownerOf, snapshot, tenant, type Account } from './fixtures.ts';

const FORBIDDEN = 'ModelArts.4310';
const forbidden = (field: string, bucket: string) => apiFailure(403, FORBIDDEN, `${field}: bucket "${bucket}"`);
const CPU1 = 'modelarts.vm.cpu.1u';
const small = { specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } };

describe('bucket ownership: algorithms, training jobs, models, services', () => {
  let t: TestApp;
  let owner: Account;
  let b: Account;

  before(async () => {
    // B's job runs: workloads of accounts other than the server's run only in the sandbox.
    t = await startTestApp({ ATELIER_SANDBOX: 'auto' });
    t.atelier.startBackground();
    owner = await ownerAccount(t);
    b = await tenant(t, 'bkt-work-b');
    // The server account's training code, data and a model package: folders dropped on disk.
    dropFile(t, '/owner-code/train/train.py', 'print("owner code")\n');
    dropFile(t, '/owner-code/data/a.csv', 'x\n1\n');
    dropFile(t, '/owner-data/secret.json', JSON.stringify({ x: [[9, 9]] }));
    await putPackage(t, 'owner-models', 'onnx', onnxPackage());
    // B's own bucket, made for it by an administrator.
    await t.atelier.context.buckets.create(b.domainId, 'b-train');
    dropFile(
      t,
      '/b-train/code/train.py',
      'import os, sys\nout = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--train_url=")][0]\nopen(os.path.join(out, "model.txt"), "w").write("trained")\n',
    );
    dropFile(t, '/b-train/data/d.csv', 'x\n2\n');
  });
  after(() => t.close());

  const bCode = { code_dir: '/b-train/code/', boot_file: '/b-train/code/train.py' };
  const algorithm = (name: string, code: { code_dir: string; boot_file: string }) => ({
    metadata: { name },
    job_config: { ...code, engine: { engine_id: PY_ENGINE }, inputs: [{ name: 'data_url' }], outputs: [{ name: 'train_url' }] },
  });
  const job = (name: string, a: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({
    kind: 'job' as const,
    metadata: { name },
    algorithm: {
      ...bCode,
      engine: { engine_id: PY_ENGINE },
      inputs: [{ name: 'data_url', remote: { obs: { obs_url: '/b-train/data/' } } }],
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: '/b-train/out/' } } }],
      ...a,
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 }, ...spec },
  });

  test("algorithms: code in another account's bucket is refused on create and on change", async () => {
    await assert.rejects(
      b.client.training.createAlgorithm(algorithm('stolen', { code_dir: '/owner-code/train/', boot_file: '/owner-code/train/train.py' })),
      forbidden('body.job_config.code_dir', 'owner-code'),
    );
    assert.equal((await b.client.training.listAlgorithms()).total, 0);
    const mine = await b.client.training.createAlgorithm(algorithm('mine', bCode));
    await assert.rejects(
      b.client.training.updateAlgorithm(mine.metadata.id, algorithm('mine', { code_dir: '/owner-code/train/', boot_file: '/owner-code/train/train.py' })),
      forbidden('body.job_config.code_dir', 'owner-code'),
    );
    assert.equal((await b.client.training.getAlgorithm(mine.metadata.id)).job_config?.code_dir, '/b-train/code/');
  });

  test("training jobs: code, inputs, outputs and log export in another account's bucket are refused; nothing is stored or written", async () => {
    const code = snapshot(t, 'owner-code');
    await assert.rejects(
      b.client.training.createJob(job('code', { code_dir: '/owner-code/train/', boot_file: '/owner-code/train/train.py' })),
      forbidden('body.algorithm.code_dir', 'owner-code'),
    );
    await assert.rejects(
      b.client.training.createJob(job('input', { inputs: [{ name: 'data_url', remote: { obs: { obs_url: '/owner-code/data/' } } }] })),
      forbidden('body.algorithm.inputs[0].remote.obs.obs_url', 'owner-code'),
    );
    // The attack of the issue: overwrite another account's training code by naming it as an output.
    await assert.rejects(
      b.client.training.createJob(job('output', { outputs: [{ name: 'train_url', remote: { obs: { obs_url: '/owner-code/train/' } } }] })),
      forbidden('body.algorithm.outputs[0].remote.obs.obs_url', 'owner-code'),
    );
    await assert.rejects(
      b.client.training.createJob(job('logs', {}, { log_export_path: { obs_url: '/owner-code/logs/' } })),
      forbidden('body.spec.log_export_path.obs_url', 'owner-code'),
    );
    assert.equal((await b.client.training.listJobs()).total, 0);
    assert.deepEqual(snapshot(t, 'owner-code'), code);
  });

  test('a job writing its output to a new bucket claims it for its account and writes there', async () => {
    const created = await b.client.training.createJob(job('claim', { outputs: [{ name: 'train_url', remote: { obs: { obs_url: '/b-fresh-out/run/' } } }] }));
    assert.equal(await ownerOf(t, 'b-fresh-out'), b.domainId, 'claimed at the request');
    const done = await eventually(
      'job ends',
      () => b.client.training.getJob(created.metadata.id),
      (j) => ['Completed', 'Failed'].includes(j.status.phase),
    );
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    assert.ok(onDisk(t, '/b-fresh-out/run/model.txt'));
    // Now it is B's: the server's account may not use it.
    await assert.rejects(
      owner.client.training.createJob(
        job('owner-into-b', {
          code_dir: '/owner-code/train/',
          boot_file: '/owner-code/train/train.py',
          inputs: [{ name: 'data_url', remote: { obs: { obs_url: '/owner-code/data/' } } }],
          outputs: [{ name: 'train_url', remote: { obs: { obs_url: '/b-fresh-out/owner/' } } }],
        }),
      ),
      forbidden('body.algorithm.outputs[0].remote.obs.obs_url', 'b-fresh-out'),
    );
  });

  test("models: a package in another account's bucket is refused, in every form of source_location", async () => {
    for (const source_location of ['/owner-models/onnx/', 'obs://owner-models/onnx/', 'https://owner-models.obs.region.example.com/onnx/']) {
      await assert.rejects(
        b.client.models.create({ model_name: 'stolen', model_version: '1.0.0', source_location, model_type: 'PyTorch' }),
        forbidden('body.source_location', 'owner-models'),
      );
    }
    assert.equal((await b.client.models.list()).total_count, 0);
  });

  describe('batch services', () => {
    let model: string;

    before(async () => {
      await t.atelier.context.buckets.create(b.domainId, 'b-models');
      model = await importModel(b.client, await putPackage(t, 'b-models', 'onnx', onnxPackage()), 'lin');
      await t.atelier.context.buckets.create(b.domainId, 'b-batch');
      dropFile(t, '/b-batch/in/a.json', JSON.stringify({ x: [[3, 1]] }));
    });

    const batch = (name: string, paths: { src_path: string; dest_path: string; src_type?: string }) =>
      b.client.services.create({
        service_name: name,
        infer_type: 'batch',
        config: [{ model_id: model, instance_count: 1, ...small, req_uri: '/', mapping_type: 'file', ...paths }],
      });

    test("src_path and dest_path in another account's bucket are refused; no service is made", async () => {
      const data = snapshot(t, 'owner-data');
      await assert.rejects(batch('src', { src_path: '/owner-data/', dest_path: '/b-batch/out/' }), forbidden('body.config[0].src_path', 'owner-data'));
      await assert.rejects(batch('dest', { src_path: '/b-batch/in/', dest_path: '/owner-data/out/' }), forbidden('body.config[0].dest_path', 'owner-data'));
      await assert.rejects(
        batch('manifest', { src_path: '/owner-data/list.manifest', src_type: 'ManifestFile', dest_path: '/b-batch/out/' }),
        forbidden('body.config[0].src_path', 'owner-data'),
      );
      assert.equal((await b.client.services.list()).total_count, 0);
      assert.deepEqual(snapshot(t, 'owner-data'), data);
    });

    test("a manifest source in another account's bucket is skipped and reported, not read", async () => {
      dropFile(
        t,
        '/b-batch/list.manifest',
        `${JSON.stringify({ source: '/b-batch/in/a.json' })}\n${JSON.stringify({ source: 's3://owner-data/secret.json' })}\n`,
      );
      const data = snapshot(t, 'owner-data');
      const { service_id } = await batch('skips', { src_path: '/b-batch/list.manifest', src_type: 'ManifestFile', dest_path: '/b-batch/out/' });
      await published(
        `batch ${service_id} finished`,
        async () => {
          const s = await b.client.services.show(service_id);
          if (s.status === 'failed') throw new Error(`batch failed: ${s.error_msg}`);
          return s.status === 'finished' ? s : undefined;
        },
        30_000,
      );
      const read = (key: string) => t.atelier.context.objectStore.readText('b-batch', key, 1 << 20);
      assert.deepEqual(JSON.parse(await read('out/infer-result/a.json_result.txt')), { scores: [[-2, 2]], label: [1] });
      const skipped = JSON.parse(await read('out/infer-result/secret.json_result.txt')) as { error_msg: string };
      assert.match(skipped.error_msg, /ModelArts|forbidden/i);
      assert.match(skipped.error_msg, /bucket "owner-data"/);
      const events = await b.client.services.events(service_id);
      assert.ok(
        events.events.some((e) => /1 manifest source\(s\) skipped/.test(e.event_info)),
        JSON.stringify(events.events),
      );
      assert.ok(
        events.events.some((e) => /1 succeeded, 1 failed/.test(e.event_info)),
        JSON.stringify(events.events),
      );
      assert.deepEqual(snapshot(t, 'owner-data'), data);
    });
  });
});
