// Training jobs and algorithms that start from a DevEnviron image (engine.image_url): a registered
// virtualenv's python runs the boot file, in the same sandbox as engine-based jobs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, phaseIs, putCode, waitForJob } from './helpers.ts';

const BOOT = `
import sys, time, os
import atelier_marker
args = dict(a[2:].split("=", 1) for a in sys.argv[1:])
print("marker", atelier_marker.VALUE)
print("prefix", sys.prefix)
print("venv first on PATH", os.environ["PATH"].split(":")[0] == os.path.join(sys.prefix, "bin"))
time.sleep(float(args.get("sleep", "0")))
`;

/** A virtualenv whose site-packages holds a module of our own, atelier_marker. */
function makeVenv(dir: string, value: string): string {
  execFileSync('python3', ['-m', 'venv', '--without-pip', dir]);
  const version = execFileSync(join(dir, 'bin', 'python'), ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], {
    encoding: 'utf8',
  }).trim();
  const site = join(dir, 'lib', `python${version}`, 'site-packages');
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, 'atelier_marker.py'), `VALUE = ${JSON.stringify(value)}\n`);
  return dir;
}

describe('training jobs started from DevEnviron images (engine.image_url)', () => {
  let t: TestApp;
  let other: AtelierClient;
  let work: string;
  let venv: string;
  let imageId: string;
  let code: { code_dir: string; boot_file: string };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'atelier-image-jobs-'));
    t = await startTestApp();
    other = await t.newTenant('image-jobs-other');
    venv = makeVenv(join(work, 'marker-env'), 'forty-two');
    imageId = (await t.client.images.register({ swr_path: venv, description: 'training env' })).id;
    code = putCode(t, 'image-jobs/code', 'train.py', BOOT);
  });
  after(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  const job = (name: string, engine: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    metadata: { name },
    algorithm: { ...code, engine, ...extra },
    spec: { resource: { flavor_id: CPU1, node_count: 1 } },
  });

  test("a job on a registered venv image runs its boot file with the image's python and packages", async () => {
    const created = await t.client.training.createJob(job('image-job', { image_url: imageId }, { parameters: [{ name: 'sleep', value: '1.5' }] }));
    assert.deepEqual(created.algorithm.engine, { image_url: imageId });
    const id = created.metadata.id;
    await waitForJob(t.client, id, phaseIs('Running', 'Completed', 'Failed'));
    // While the job has not ended its image is in use.
    await assert.rejects(t.client.images.delete(imageId), apiFailure(400, 'ModelArts.6344', 'training job'));
    const done = await waitForJob(t.client, id, ended, 60_000);
    const log = (await t.client.training.logPreview(id)).content;
    assert.equal(done.status.phase, 'Completed', log);
    assert.match(log, /marker forty-two/);
    assert.match(log, /venv first on PATH True/);
    assert.equal((await t.client.training.getJob(id)).algorithm.engine?.image_url, imageId);
  });

  test('the image may be named by its swr_path, and a built-in image by its id', async () => {
    const byPath = await t.client.training.createJob(job('image-by-path', { image_url: venv }));
    const builtIn = (await t.client.images.list({ type: 'BUILD_IN' })).data.find((i) => i.name === PY_ENGINE)!;
    const onBuiltIn = await t.client.training.createJob(
      job(
        'builtin-image',
        { image_url: builtIn.id },
        { boot_file: putCode(t, 'image-jobs/plain', 'train.py', 'print("plain", 6 * 7)').boot_file, code_dir: `/train-bucket/image-jobs/plain/` },
      ),
    );
    const a = await waitForJob(t.client, byPath.metadata.id, ended, 60_000);
    assert.equal(a.status.phase, 'Completed');
    assert.match((await t.client.training.logPreview(byPath.metadata.id)).content, /marker forty-two/);
    const b = await waitForJob(t.client, onBuiltIn.metadata.id, ended, 60_000);
    assert.equal(b.status.phase, 'Completed');
    assert.match((await t.client.training.logPreview(onBuiltIn.metadata.id)).content, /plain 42/);
  });

  test("an algorithm may name an image; a job from that algorithm runs with the image's python", async () => {
    const algo = await t.client.training.createAlgorithm({
      metadata: { name: 'image-algo' },
      job_config: { ...code, engine: { image_url: imageId } },
    });
    const shown = await t.client.training.getAlgorithm(algo.metadata.id!);
    assert.deepEqual(shown.job_config.engine, { image_url: imageId });
    const created = await t.client.training.createJob({
      metadata: { name: 'from-image-algo' },
      algorithm: { id: algo.metadata.id! },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    const done = await waitForJob(t.client, created.metadata.id, ended, 60_000);
    assert.equal(done.status.phase, 'Completed');
    assert.match((await t.client.training.logPreview(created.metadata.id)).content, /marker forty-two/);
    // An algorithm refuses what a job refuses.
    await assert.rejects(
      t.client.training.updateAlgorithm(algo.metadata.id!, { job_config: { ...code, engine: { image_url: 'no-such-image' } } }),
      apiFailure(400, 'ModelArts.0104', 'job_config.engine.image_url'),
    );
    await assert.rejects(
      t.client.training.createAlgorithm({ metadata: { name: 'both' }, job_config: { ...code, engine: { image_url: imageId, engine_id: PY_ENGINE } } }),
      apiFailure(400, 'ModelArts.0104', 'not both'),
    );
  });

  test('what is refused: an unknown image, a container image, image_url with an engine, a boot command, a non-Python boot file; nothing is stored', async () => {
    const before = (await t.client.training.listJobs()).total;
    await assert.rejects(
      t.client.training.createJob(job('unknown', { image_url: '00000000-0000-4000-8000-000000000000' })),
      apiFailure(400, 'ModelArts.0104', 'body.algorithm.engine.image_url'),
    );
    await assert.rejects(
      t.client.training.createJob(job('unknown-path', { image_url: join(work, 'nothing') })),
      apiFailure(400, 'ModelArts.0104', 'image_url'),
    );
    await assert.rejects(
      t.client.training.createJob(job('container', { image_url: 'hwstaff_z00424192/fastseq:1.2' })),
      apiFailure(400, 'ModelArts.4907', 'only local images'),
    );
    await assert.rejects(t.client.training.createJob(job('both', { image_url: imageId, engine_id: PY_ENGINE })), apiFailure(400, 'ModelArts.0104', 'not both'));
    await assert.rejects(
      t.client.training.createJob(job('both-name', { image_url: imageId, engine_name: 'Python' })),
      apiFailure(400, 'ModelArts.0104', 'body.algorithm.engine'),
    );
    await assert.rejects(
      t.client.training.createJob(job('command', { image_url: imageId }, { command: 'python train.py' })),
      apiFailure(400, 'ModelArts.4907', 'body.algorithm.command'),
    );
    const js = putCode(t, 'image-jobs/js', 'train.js', 'console.log(1)');
    await assert.rejects(t.client.training.createJob(job('js', { image_url: imageId }, js)), apiFailure(400, 'ModelArts.0104', 'boot_file'));
    assert.equal((await t.client.training.listJobs()).total, before);
  });

  test("another project's image is not found, by id or by swr_path", async () => {
    const theirs = await other.images.register({ swr_path: makeVenv(join(work, 'their-env'), 'theirs') });
    await assert.rejects(t.client.training.createJob(job('theirs', { image_url: theirs.id })), apiFailure(400, 'ModelArts.0104', 'no image'));
    await assert.rejects(t.client.training.createJob(job('theirs-path', { image_url: theirs.swr_path })), apiFailure(400, 'ModelArts.0104', 'no image'));
    // Our image is not theirs either.
    await assert.rejects(
      other.training.createJob({ metadata: { name: 'ours' }, algorithm: { ...code, engine: { image_url: imageId } }, spec: { resource: { flavor_id: CPU1 } } }),
      apiFailure(400, 'ModelArts.0104'),
    );
  });

  test('an ended job no longer holds its image: the image can be deleted', async () => {
    const env = makeVenv(join(work, 'short-env'), 'short');
    const image = await t.client.images.register({ swr_path: env });
    const created = await t.client.training.createJob(job('short', { image_url: image.id }));
    assert.equal((await waitForJob(t.client, created.metadata.id, ended, 60_000)).status.phase, 'Completed');
    assert.equal((await t.client.images.delete(image.id)).status, 'DELETED');
    await assert.rejects(t.client.training.createJob(job('after-delete', { image_url: image.id })), apiFailure(400, 'ModelArts.0104', 'no image'));
  });
});
