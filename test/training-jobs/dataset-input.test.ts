// A dataset version as a job input: the job gets the version's manifest.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { PNG, createBody, datasetReady, putFile, versionDone } from '../datasets/fixtures.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, waitForJob } from './helpers.ts';

describe('training job input from a dataset version', () => {
  let t: TestApp;
  let other: AtelierClient;
  let datasetId: string;
  let versionId: string;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    other = await t.newTenant('other');
    for (const n of ['a', 'b', 'c']) putFile(t, `/${BUCKET}/ds/in/${n}.png`, PNG);
    datasetId = (await t.client.datasets.create(createBody('training-input', `/${BUCKET}/ds/in/`, `/${BUCKET}/ds/work/`))).dataset_id;
    await datasetReady(t.client, datasetId);
    versionId = (await t.client.datasets.createVersion(datasetId)).version_id;
    await versionDone(t.client, datasetId, versionId);
    code = putCode(
      t,
      'ds/code',
      'read.py',
      'import sys, json\npath = sys.argv[1].split("=", 1)[1]\nlines = [json.loads(l) for l in open(path) if l.strip()]\nprint("manifest", path.rsplit("/", 1)[-1], "samples", len(lines))\nprint("sources", sorted(l["source"].rsplit("/", 1)[-1] for l in lines))\n',
    );
  });
  after(() => t.close());

  const body = (dataset: { id: string; version_id: string }) => ({
    metadata: { name: 'from-dataset' },
    algorithm: { ...code, engine: { engine_id: PY_ENGINE }, inputs: [{ name: 'data_url', remote: { dataset } }] },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test("the job reads the version's manifest", async () => {
    const version = await t.client.datasets.describeVersion(datasetId, versionId);
    const created = await t.client.training.createJob(body({ id: datasetId, version_id: versionId }));
    const input = created.algorithm.inputs![0]!;
    assert.equal(input.remote.dataset?.id, datasetId);
    assert.equal(input.remote.dataset?.obs_url, (version as { manifest_path?: string }).manifest_path);
    const done = await waitForJob(t.client, created.metadata.id, ended);
    assert.equal(done.status.phase, 'Completed', JSON.stringify(done.status));
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.match(log, /samples 3/);
    assert.match(log, /sources \['a\.png', 'b\.png', 'c\.png'\]/);
  });

  test("a missing version, or another project's dataset, is refused", async () => {
    await assert.rejects(t.client.training.createJob(body({ id: datasetId, version_id: 'noSuchVersion' })), apiFailure(400, 'ModelArts.4353'));
    // The other account runs code of its own: BUCKET is this account's (see test/buckets).
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('other')).id, 'other-code');
    putFile(t, '/other-code/c/read.py', 'print(1)\n');
    const otherBody = body({ id: datasetId, version_id: versionId });
    await assert.rejects(
      other.training.createJob({ ...otherBody, algorithm: { ...otherBody.algorithm, code_dir: '/other-code/c/', boot_file: '/other-code/c/read.py' } }),
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
