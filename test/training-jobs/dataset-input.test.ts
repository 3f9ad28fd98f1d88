// A dataset version as a job input: the job gets the version's manifest, the files it references
// (read-only) and, beside the manifest, one whose sources are those files' local paths; --data_url
// and the environment variable data_url name it. A file in a bucket the account may no longer read
// is never staged: the job fails and says why.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { PNG, createBody, datasetReady, putFile, versionDone } from '../datasets/fixtures.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';

// Reads its input both ways, lists the channel's folder, opens every file, and tries to change one.
const READ = `
import json, os, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--"))
path = args["data_url"]
print("env", os.environ.get("data_url") == path, "output env", os.environ.get("train_url") == args.get("train_url"))
lines = [json.loads(l) for l in open(path) if l.strip()]
print("manifest", os.path.basename(path), "samples", len(lines))
print("beside", sorted(os.listdir(os.path.dirname(path))))
print("sources", sorted(os.path.basename(l["source"]) for l in lines))
print("sizes", sorted(os.path.getsize(l["source"]) for l in lines))
print("labels", sorted(a["name"] for l in lines for a in l.get("annotation", [])))
try:
    with open(lines[0]["source"], "ab") as f:
        f.write(b"changed")
    print("wrote into a staged file")
except OSError as e:
    print("read-only", type(e).__name__)
`;

describe('training job input from a dataset version', () => {
  let t: TestApp;
  let other: AtelierClient;
  let datasetId: string;
  let versionId: string;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp({ ATELIER_SANDBOX: 'auto' });
    t.atelier.startBackground();
    other = await t.newTenant('other');
    for (const n of ['a', 'b', 'c'])
      putFile(t, `/${BUCKET}/ds/in/${n < 'c' ? 'cat' : 'dog'}/${n}.png`, Buffer.concat([PNG, Buffer.alloc(n.charCodeAt(0) - 96)]));
    datasetId = (await t.client.datasets.create(createBody('training-input', `/${BUCKET}/ds/in/`, `/${BUCKET}/ds/work/`))).dataset_id;
    await datasetReady(t.client, datasetId);
    versionId = (await t.client.datasets.createVersion(datasetId)).version_id;
    await versionDone(t.client, datasetId, versionId);
    code = putCode(t, 'ds/code', 'read.py', READ);
  });
  after(() => t.close());

  const body = (dataset: { id: string; version_id: string }) => ({
    metadata: { name: 'from-dataset' },
    algorithm: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      inputs: [{ name: 'data_url', remote: { dataset } }],
      outputs: [{ name: 'train_url', remote: { obs: { obs_url: `/${BUCKET}/ds/out/` } } }],
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test('the job reads the files of the version through a manifest of local paths', async () => {
    const version = await t.client.datasets.describeVersion(datasetId, versionId);
    const created = await t.client.training.createJob(body({ id: datasetId, version_id: versionId }));
    const input = created.algorithm.inputs![0]!;
    assert.equal(input.remote.dataset?.id, datasetId);
    assert.equal(input.remote.dataset?.obs_url, (version as { manifest_path?: string }).manifest_path);
    const done = await waitForJob(t.client, created.metadata.id, ended);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    assert.match(log, /env True output env True/);
    assert.match(log, /manifest training-input-V001\.local\.manifest samples 3/);
    assert.match(log, /beside \['training-input-V001\.local\.manifest', 'training-input-V001\.manifest'\]/);
    assert.match(log, /sources \['a\.png', 'b\.png', 'c\.png'\]/);
    assert.match(log, new RegExp(`sizes \\[${PNG.length + 1}, ${PNG.length + 2}, ${PNG.length + 3}\\]`));
    assert.match(log, /labels \['cat', 'cat', 'dog'\]/);
    assert.match(log, /staged 3 file\(s\) of dataset input data_url/);
    if (t.atelier.context.sandbox.confined) assert.match(log, /read-only (OSError|PermissionError)/);
    // Whatever the job did, the object store's file is as it was.
    assert.equal(statSync(join(t.config.dataDir, 'obs', BUCKET, 'ds/in/cat/a.png')).size, PNG.length + 1);
  });

  test('a file whose bucket the account may no longer read fails the job, and is not staged', async (ctx) => {
    if (!t.atelier.context.sandbox.confined) return ctx.skip('another account runs jobs only in the sandbox (bubblewrap), which is not available');
    const { buckets, identity } = t.atelier.context;
    const otherDomain = (await identity.domain('other')).id;
    // The other account's images are in a bucket it was granted, its work path and code in its own.
    await buckets.create((await identity.domain(t.creds.domain_name)).id, 'shared-images');
    await buckets.grant('shared-images', otherDomain);
    await buckets.create(otherDomain, 'other-work');
    putFile(t, '/shared-images/in/x/1.png', PNG);
    putFile(t, '/other-work/code/read.py', READ);
    const ds = (await other.datasets.create(createBody('granted', '/shared-images/in/', '/other-work/ds/'))).dataset_id;
    await datasetReady(other, ds);
    const v = (await other.datasets.createVersion(ds)).version_id;
    await versionDone(other, ds, v);
    await buckets.revoke('shared-images', otherDomain);

    const job = await other.training.createJob({
      metadata: { name: 'after-revoke' },
      algorithm: {
        code_dir: '/other-work/code/',
        boot_file: '/other-work/code/read.py',
        engine: { engine_id: PY_ENGINE },
        inputs: [{ name: 'data_url', remote: { dataset: { id: ds, version_id: v } } }],
      },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const done = await waitForJob(other, job.metadata.id, ended);
    const log = (await other.training.logPreview(job.metadata.id)).content;
    assert.equal(done.status.phase, 'Failed', log);
    assert.match(log, /bucket shared-images, which this account may not read/);
    assert.doesNotMatch(log, /env True/, 'the script never ran');
  });

  test("a missing version, or another project's dataset, is refused", async () => {
    await assert.rejects(t.client.training.createJob(body({ id: datasetId, version_id: 'noSuchVersion' })), apiFailure(400, 'ModelArts.4353'));
    // The other account runs code of its own: BUCKET is this account's (see test/buckets).
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('other')).id, 'other-code');
    putFile(t, '/other-code/c/read.py', 'print(1)\n');
    const otherBody = body({ id: datasetId, version_id: versionId });
    await assert.rejects(
      other.training.createJob({
        ...otherBody,
        algorithm: { ...otherBody.algorithm, code_dir: '/other-code/c/', boot_file: '/other-code/c/read.py', outputs: [] },
      }),
      apiFailure(404, 'ModelArts.6623'),
    );
    await assert.rejects(
      t.client.training.createJob({
        ...body({ id: datasetId, version_id: versionId }),
        algorithm: { ...code, engine: { engine_id: PY_ENGINE }, inputs: [{ name: 'data_url', remote: {} }] },
      }),
      apiFailure(400, 'ModelArts.0104', 'exactly one'),
    );
  });
});
