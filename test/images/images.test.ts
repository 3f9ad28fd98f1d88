import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { ImageDetail, ListImageGroupResponse, ListImageResponse } from '#src/modules/images/schemas.ts';
import { imagesModule } from '#src/modules/images/module.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
let work: string;

/** A virtualenv with one package of our own, found through importlib.metadata as pip's would be. */
function makeVenv(name: string): string {
  const dir = join(work, name);
  execFileSync('python3', ['-m', 'venv', '--without-pip', dir]);
  const version = execFileSync(join(dir, 'bin', 'python'), ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], {
    encoding: 'utf8',
  }).trim();
  const info = join(dir, 'lib', `python${version}`, 'site-packages', 'atelier_demo-1.2.3.dist-info');
  mkdirSync(info, { recursive: true });
  writeFileSync(join(info, 'METADATA'), 'Metadata-Version: 2.1\nName: atelier-demo\nVersion: 1.2.3\n');
  return dir;
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'atelier-images-'));
  t = await startTestApp();
  t.atelier.startBackground();
});
after(async () => {
  await t.close();
  rmSync(work, { recursive: true, force: true });
});

test('built-in images are the host interpreters, with the Python version and packages read from them', async () => {
  const list = await t.client.images.list({ type: 'BUILD_IN' });
  assert.ok(Value.Check(ListImageResponse, list), JSON.stringify([...Value.Errors(ListImageResponse, list)].slice(0, 3)));
  assert.ok(list.total >= 1);
  const first = list.data[0]!;
  assert.equal(first.type, 'BUILD_IN');
  assert.equal(first.status, 'ACTIVE');
  assert.match(first.status_message, /^Python 3\.\d+\.\d+; \d+ packages/);
  assert.match(first.name, /^python3\.\d+/);
  const shown = await t.client.images.show(first.id);
  assert.ok(Value.Check(ImageDetail, shown));
  assert.equal(shown.swr_path, first.swr_path);
  // Another account sees the same built-in images.
  const other = await t.newTenant('images-builtin');
  assert.equal((await other.images.show(first.id)).id, first.id);
  await assert.rejects(t.client.images.delete(first.id), apiFailure(403, 'ModelArts.0108'));
});

test('register a virtualenv: listed, shown, grouped, then deleted; its folder stays', async () => {
  const venv = makeVenv('torch-env');
  const image = await t.client.images.register({ swr_path: venv, description: 'my env', resource_category: ['CPU'], services: ['NOTEBOOK'] });
  assert.ok(Value.Check(ImageDetail, image), JSON.stringify([...Value.Errors(ImageDetail, image)].slice(0, 3)));
  assert.equal(image.type, 'DEDICATED');
  assert.equal(image.status, 'ACTIVE');
  assert.equal(image.name, 'torch-env');
  assert.equal(image.namespace, 'local');
  assert.equal(image.swr_path, venv);
  assert.equal(image.visibility, 'PRIVATE');
  assert.match(image.tag, /^py3\./);
  assert.ok(image.status_message.includes('atelier-demo 1.2.3'), image.status_message);
  assert.ok(image.size > 0);

  // The same folder twice is refused.
  await assert.rejects(t.client.images.register({ swr_path: `${venv}/` }), apiFailure(400, 'ModelArts.6336', 'already registered'));

  const second = await t.client.images.register({ swr_path: makeVenv('other-env'), service_type: 'DEV' });
  const mine = await t.client.images.list({ type: 'DEDICATED' });
  assert.equal(mine.total, 2);
  // Newest first by default.
  assert.deepEqual(
    mine.data.map((i) => i.id),
    [second.id, image.id],
  );
  assert.equal((await t.client.images.list({ type: 'DEDICATED', sort_key: 'name', sort_dir: 'ASC' })).data[0]?.name, 'other-env');
  assert.equal((await t.client.images.list({ name: 'torch' })).total, 1);
  assert.equal((await t.client.images.list({ name: 'torch', name_fuzzy_match: false })).total, 0);
  assert.equal((await t.client.images.list({ name: 'torch-env', name_fuzzy_match: false })).total, 1);
  assert.equal((await t.client.images.list({ service_type: 'DEV', type: 'DEDICATED' })).total, 1);
  const paged = await t.client.images.list({ type: 'DEDICATED', limit: 1, offset: 1 });
  assert.deepEqual([paged.current, paged.pages, paged.size, paged.total], [2, 2, 1, 2]);
  await assert.rejects(t.client.images.list({ sort_key: 'colour' }), apiFailure(400, 'ModelArts.6303'));

  const groups = await t.client.images.groups();
  assert.ok(Value.Check(ListImageGroupResponse, groups));
  assert.deepEqual(groups.data.map((g) => [g.name, g.namespace, g.version_count]).sort(), [
    ['other-env', 'local', 1],
    ['torch-env', 'local', 1],
  ]);

  const shown = await t.client.images.show(image.id);
  assert.deepEqual(shown, image);
  const deleted = await t.client.images.delete(image.id);
  assert.equal(deleted.status, 'DELETED');
  assert.equal(deleted.id, image.id);
  await assert.rejects(t.client.images.show(image.id), apiFailure(404, 'ModelArts.6309'));
  await assert.rejects(t.client.images.delete(image.id), apiFailure(404, 'ModelArts.6309'));
  assert.ok(existsSync(join(venv, 'bin', 'python')), "a registered folder is the user's and stays");
});

test('what cannot be registered: a container image, a missing, relative or data-directory path, a folder without python', async () => {
  await assert.rejects(t.client.images.register({ swr_path: 'swr.example.com/team/pytorch:2.1' }), apiFailure(400, 'ModelArts.6361', 'no container runtime'));
  await assert.rejects(t.client.images.register({ swr_path: 'ubuntu:22.04' }), apiFailure(400, 'ModelArts.6361'));
  await assert.rejects(t.client.images.register({ swr_path: join(work, 'missing') }), apiFailure(400, 'ModelArts.6336', 'not an existing folder'));
  await assert.rejects(t.client.images.register({ swr_path: './venv' }), apiFailure(400, 'ModelArts.6336', 'absolute'));
  await assert.rejects(t.client.images.register({ swr_path: `${work}/../${work}` }), apiFailure(400, 'ModelArts.6336', 'normalized'));
  await assert.rejects(t.client.images.register({ swr_path: t.config.dataDir }), apiFailure(400, 'ModelArts.6336', 'data directory'));
  const empty = join(work, 'empty');
  mkdirSync(empty);
  await assert.rejects(t.client.images.register({ swr_path: empty }), apiFailure(400, 'ModelArts.6336', 'bin/python'));
  await assert.rejects(t.client.images.register({}), apiFailure(400, 'ModelArts.6335', 'swr_path'));
  const venv = makeVenv('public-env');
  await assert.rejects(t.client.images.register({ swr_path: venv, visibility: 'PUBLIC' }), apiFailure(400, 'ModelArts.6336', 'visibility'));
  // A python that does not start.
  const broken = join(work, 'broken');
  mkdirSync(join(broken, 'bin'), { recursive: true });
  writeFileSync(join(broken, 'bin', 'python3'), '#!/bin/sh\necho broken >&2\nexit 3\n', { mode: 0o755 });
  await assert.rejects(t.client.images.register({ swr_path: broken }), apiFailure(400, 'ModelArts.6336', 'does not start'));
  // Bad input is named, nothing stored.
  await assert.rejects(t.client.images.register({ swr_path: venv, services: ['TELNET' as 'SSH'] }), apiFailure(400, 'ModelArts.0104'));
  await assert.rejects(t.client.images.list({ limit: 5000 }), apiFailure(400, 'ModelArts.0104'));
  assert.equal((await t.client.images.list({ name: 'public-env' })).total, 0);
});

test("another project's image is invisible", async () => {
  const image = await t.client.images.register({ swr_path: makeVenv('private-env') });
  const other = await t.newTenant('images-other');
  await assert.rejects(other.images.show(image.id), apiFailure(404, 'ModelArts.6309'));
  await assert.rejects(other.images.delete(image.id), apiFailure(404, 'ModelArts.6309'));
  assert.equal((await other.images.list({ type: 'DEDICATED' })).total, 0);
  assert.equal((await other.images.groups()).total, 0);
  assert.equal((await t.client.images.show(image.id)).id, image.id);
});

async function settled(id: string) {
  for (let i = 0; i < 300; i++) {
    const image = await t.client.images.show(id);
    if (image.status !== 'CREATING') return image;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`image ${id} is still CREATING`);
}

test('a snapshot copies the environment into the image store and becomes ACTIVE', async () => {
  // The Images port, as the notebooks family calls it; the app's worker runs the task it enqueues.
  const ctx = t.atelier.context;
  const family = imagesModule({ ...ctx, interpreters: [], usage: { inUse: async () => false } });
  const source = makeVenv('notebook-env');
  const { id } = await family.images.snapshot(t.creds.project_id, { name: 'saved-env', description: 'from a notebook', sourcePrefix: source, tag: 'v1' });
  const creating = await t.client.images.show(id);
  assert.ok(['CREATING', 'ACTIVE'].includes(creating.status));
  const image = await settled(id);
  assert.equal(image.status, 'ACTIVE', image.status_message);
  assert.equal(image.origin, 'IMAGE_SAVE');
  assert.equal(image.tag, 'v1');
  assert.ok(image.swr_path.startsWith(t.config.dataDir), image.swr_path);
  assert.ok(image.status_message.includes('atelier-demo 1.2.3'), image.status_message);
  const env = await family.images.image(t.creds.project_id, id);
  assert.equal(env?.type, 'DEDICATED');
  assert.ok(env?.python && existsSync(env.python));
  assert.equal(await family.images.image('another-project', id), undefined);
  assert.equal((await family.images.defaultImage())?.type, undefined, 'no interpreters given, no default');

  // A missing source fails with the reason.
  const failed = await family.images.snapshot(t.creds.project_id, { name: 'gone', sourcePrefix: join(work, 'nowhere') });
  const f = await settled(failed.id);
  assert.equal(f.status, 'CREATE_FAILED');
  assert.match(f.status_message, /no bin\/python/);

  await t.client.images.delete(id);
  assert.equal(existsSync(image.swr_path), false, "the saved copy is Atelier's and goes");
});
