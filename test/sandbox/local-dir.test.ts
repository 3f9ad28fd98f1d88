// A channel's local_dir is a path inside the sandbox: the channel's folder (in the job's folder) is
// shown there, and the server writes nothing outside the job's folder. A path the sandbox cannot
// honour is refused with a 400 naming the field, and nothing is stored.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, ended, putCode, putObject, waitForJob } from '../training-jobs/helpers.ts';

const BOOT = `
import os, sys
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
print("args", args["data_url"], args["train_url"])
print("data", sorted(os.listdir("/home/ma-user/modelarts/inputs/data_url_0")))
with open("/cache/out/model.txt", "w") as f:
    f.write("trained")
`;

describe('local_dir', () => {
  let t: TestApp;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    t = await startTestApp();
    code = putCode(t, 'ld/code', 'train.py', BOOT);
    putObject(t, 'ld/data/a.csv', 'x\n1\n');
  });
  after(() => t.close());

  const job = (name: string, inputDir: string | undefined, outputDir: string | undefined) => ({
    metadata: { name },
    algorithm: {
      ...code,
      engine: { engine_id: PY_ENGINE },
      inputs: [{ name: 'data_url', ...(inputDir ? { local_dir: inputDir } : {}), remote: { obs: { obs_url: `/${BUCKET}/ld/data/` } } }],
      outputs: [{ name: 'train_url', ...(outputDir ? { local_dir: outputDir } : {}), remote: { obs: { obs_url: `/${BUCKET}/ld/out/${name}/` } } }],
    },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test("a channel's folder is shown at its local_dir; the host path stays untouched", async () => {
    assert.ok(!existsSync('/home/ma-user') && !existsSync('/cache'), 'the paths do not exist on this host');
    const created = await t.client.training.createJob(job('ld', '/home/ma-user/modelarts/inputs/data_url_0', '/cache/out'));
    assert.equal(created.algorithm.inputs?.[0]?.local_dir, '/home/ma-user/modelarts/inputs/data_url_0');
    assert.equal(created.algorithm.outputs?.[0]?.local_dir, '/cache/out');
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    const log = (await t.client.training.logPreview(created.metadata.id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    assert.match(log, /args \/home\/ma-user\/modelarts\/inputs\/data_url_0 \/cache\/out/);
    assert.match(log, /data \['a.csv'\]/);
    assert.equal(readFileSync(join(t.config.dataDir, 'obs', BUCKET, 'ld/out/ld/model.txt'), 'utf8'), 'trained');
    assert.ok(!existsSync('/home/ma-user') && !existsSync('/cache'), 'nothing was written there on the host');
    assert.ok(
      existsSync(join(t.config.dataDir, 'training', 'jobs', created.metadata.id, 'inputs', 'data_url', 'a.csv')),
      'inputs are staged in the job folder',
    );
  });

  test('a local_dir the sandbox cannot honour is refused with a 400 naming the field; nothing is stored', async () => {
    const before = (await t.client.training.listJobs({ limit: 1 })).count;
    const refused: [string | undefined, string | undefined, string][] = [
      ['/usr/local/data', undefined, 'body.algorithm.inputs[0].local_dir'],
      ['/etc/x', undefined, 'body.algorithm.inputs[0].local_dir'],
      ['relative/dir', undefined, 'body.algorithm.inputs[0].local_dir'],
      ['/home/a/../b', undefined, 'body.algorithm.inputs[0].local_dir'],
      ['/', undefined, 'body.algorithm.inputs[0].local_dir'],
      [join(t.config.dataDir, 'x'), undefined, 'body.algorithm.inputs[0].local_dir'],
      [undefined, '/proc/x', 'body.algorithm.outputs[0].local_dir'],
      ['/cache/a', '/cache/a/b', 'body.algorithm.outputs[0].local_dir'],
    ];
    for (const [input, output, field] of refused) {
      await assert.rejects(t.client.training.createJob(job('bad', input, output)), apiFailure(400, 'ModelArts.0104', field), `${input} ${output}`);
    }
    assert.equal((await t.client.training.listJobs({ limit: 1 })).count, before);
  });
});
