// The old DevEnviron API (#101-106) end to end: an instance is a notebook of the notebooks engine,
// its OBS working directory is copied in before it starts and copied back after it stops, auto_stop
// is its lease; another project's instance is invisible; bad input is refused naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { builtInImage } from '../notebooks/helpers.ts';
import { FLAVOR, eventually, notebookEnv, waitFor } from './helpers.ts';

const BUCKET = 'devenv-bucket';

describe('old DevEnviron API', () => {
  let t: TestApp;
  let other: AtelierClient;
  let profile: string;
  let id: string;
  const created: string[] = [];

  const body = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    profile_id: profile,
    flavor: FLAVOR,
    spec: { storage: { type: 'obs' as const, location: { path: `/${BUCKET}/work/` } } },
    ...extra,
  });
  const objects = () => t.atelier.context.objectStore;
  const contents = (url: string, token: string, path: string, init: RequestInit = {}) =>
    fetch(`${url}api/contents/${path}`, { ...init, headers: { authorization: `token ${token}`, 'content-type': 'application/json' } });

  before(async () => {
    t = await startTestApp(await notebookEnv());
    other = await t.newTenant('devenv-other');
    profile = builtInImage().name;
    await objects().ensureBucket(BUCKET);
    await objects().put(BUCKET, 'work/hello.txt', 'hello from OBS');
    await objects().put(BUCKET, 'work/sub/data.csv', 'a,b\n1,2\n');
  });

  after(async () => {
    for (const i of created) await t.client.devenv.delete(i).catch(() => undefined);
    await t.close();
  });

  test('create answers CREATING in the old shape and reaches RUNNING; the OBS folder is the working directory', async () => {
    const inst = await t.client.devenv.create(
      body('old-notebook', { description: 'first', spec: { ...body('x').spec, auto_stop: { enable: true, duration: 3600 } } }),
    );
    id = inst.id;
    created.push(id);
    assert.equal(inst.status, 'CREATING');
    assert.equal(inst.profile.id, profile);
    assert.equal(inst.profile.de_type, 'Notebook');
    assert.equal(inst.flavor, FLAVOR);
    assert.deepEqual(inst.spec.storage, { type: 'obs', location: { path: `/${BUCKET}/work/` } });
    assert.deepEqual({ enable: inst.spec.auto_stop.enable, duration: inst.spec.auto_stop.duration }, { enable: true, duration: 3600 });
    const running = await waitFor(t.client, id, ['RUNNING']);
    assert.ok(running.spec.annotations.url.includes(`/notebooks/${id}/lab/`));
    assert.equal(running.flavor_details?.params.CPU, 1);
    assert.ok(running.spec.auto_stop.remain_time! > 3500 && running.spec.auto_stop.remain_time! <= 3600);
    // the same instance is a notebook, whose lease is the auto stop
    const lease = await t.client.notebooks.lease(id);
    assert.deepEqual({ type: lease.type, duration: lease.duration }, { type: 'TIMING', duration: 3_600_000 });
    const { url, token } = running.spec.annotations;
    const hello = await contents(url, token, 'hello.txt?content=1');
    assert.equal(hello.status, 200);
    assert.equal(((await hello.json()) as { content: string }).content, 'hello from OBS');
    const data = await contents(url, token, 'sub/data.csv?content=1');
    assert.equal(((await data.json()) as { content: string }).content, 'a,b\n1,2\n');
  });

  test('a file written in the working directory is an object after action stop; start copies in again', async () => {
    const running = await t.client.devenv.get(id);
    const { url, token } = running.spec.annotations;
    const put = await contents(url, token, 'result.txt', {
      method: 'PUT',
      body: JSON.stringify({ type: 'file', format: 'text', content: 'written by Jupyter' }),
    });
    assert.ok(put.status === 200 || put.status === 201, await put.text());
    await objects().put(BUCKET, 'work/later.txt', 'added while running');
    const stop = await t.client.devenv.action(id, 'stop');
    assert.deepEqual(stop, { current_status: 'STOPPING', previous_state: 'RUNNING' });
    await waitFor(t.client, id, ['STOPPED']);
    await eventually(async () => (await objects().head(BUCKET, 'work/result.txt')) !== null, 'result.txt copied back');
    assert.equal(await objects().readText(BUCKET, 'work/result.txt', 1000), 'written by Jupyter');
    assert.equal(await objects().readText(BUCKET, 'work/hello.txt', 1000), 'hello from OBS');
    await assert.rejects(t.client.devenv.action(id, 'stop'), apiFailure(400, 'ModelArts.6307'));

    const start = await t.client.devenv.action(id, 'start');
    assert.deepEqual(start, { current_status: 'STARTING', previous_state: 'STOPPED' });
    const again = await waitFor(t.client, id, ['RUNNING']);
    const later = await contents(again.spec.annotations.url, again.spec.annotations.token, 'later.txt?content=1');
    assert.equal(((await later.json()) as { content: string }).content, 'added while running');
    const kept = await contents(again.spec.annotations.url, again.spec.annotations.token, 'result.txt?content=1');
    assert.equal(((await kept.json()) as { content: string }).content, 'written by Jupyter');
    await assert.rejects(t.client.devenv.action(id, 'start'), apiFailure(400, 'ModelArts.6305'));
  });

  test('update changes the description and auto stop; list pages and filters', async () => {
    const updated = await t.client.devenv.update(id, { description: 'changed', spec: { auto_stop: { enable: false } } });
    assert.equal(updated.description, 'changed');
    assert.equal(updated.spec.auto_stop.enable, false);
    assert.equal((await t.client.notebooks.get(id)).description, 'changed');
    const second = await t.client.devenv.create(body('another-notebook'));
    created.push(second.id);
    const all = await t.client.devenv.list({ de_type: 'Notebook' });
    assert.equal(all.total_count, 2);
    assert.deepEqual(
      all.instances.map((i) => i.name),
      ['another-notebook', 'old-notebook'],
    );
    const page = await t.client.devenv.list({ de_type: 'Notebook', sortby: 'creation_timestamp', order: 'desc', offset: 1, limit: 1 });
    assert.equal(page.total_count, 2);
    assert.deepEqual(
      page.instances.map((i) => i.id),
      [id],
    );
    const running = await t.client.devenv.list({ de_type: 'Notebook', status: 'RUNNING' });
    assert.ok(running.instances.every((i) => i.status === 'RUNNING'));
    assert.equal((await other.devenv.list({ de_type: 'Notebook' })).total_count, 0);
  });

  test("another project's instance is not found", async () => {
    await assert.rejects(other.devenv.get(id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.devenv.action(id, 'stop'), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.devenv.update(id, { description: 'x' }), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.devenv.delete(id), apiFailure(404, 'ModelArts.6309'));
  });

  test('bad input is refused naming the field, nothing stored', async () => {
    const before = (await t.client.devenv.list({ de_type: 'Notebook' })).total_count;
    await assert.rejects(
      t.client.devenv.create({ ...body('bad-profile'), profile_id: 'Ascend-Power-Engine 1.0(python3)' }),
      apiFailure(400, 'ModelArts.6336', 'profile_id'),
    );
    await assert.rejects(t.client.devenv.create({ ...body('bad-flavor'), flavor: 'modelarts.kat1.xlarge' }), apiFailure(400, 'ModelArts.6323'));
    const withPath = (path: string) => ({ ...body('bad-path'), spec: { storage: { type: 'obs' as const, location: { path } } } });
    await assert.rejects(t.client.devenv.create(withPath(`/${BUCKET}/no-slash`)), apiFailure(400, 'ModelArts.6318'));
    await assert.rejects(t.client.devenv.create(withPath(`/${BUCKET}/`)), apiFailure(400, 'ModelArts.6358'));
    await assert.rejects(t.client.devenv.create(withPath(`/${BUCKET}/a/../b/`)), apiFailure(400, 'ModelArts.0104', 'spec.storage.location.path'));
    await assert.rejects(t.client.devenv.create(withPath(`/${BUCKET}/a\u0000b/`)), apiFailure(400, 'ModelArts.0104', 'spec.storage.location.path'));
    await assert.rejects(t.client.devenv.create({ ...body('no-path'), spec: { storage: { type: 'obs' } } }), apiFailure(400, 'ModelArts.6317'));
    await assert.rejects(
      t.client.devenv.create({ ...body('no-duration'), spec: { ...body('x').spec, auto_stop: { enable: true } } }),
      apiFailure(400, 'ModelArts.6348'),
    );
    await assert.rejects(
      t.client.devenv.create({ ...body('short'), spec: { ...body('x').spec, auto_stop: { enable: true, duration: 60 } } }),
      apiFailure(400, 'ModelArts.0104', 'duration'),
    );
    await assert.rejects(other.devenv.create(body('foreign-bucket')), apiFailure(403, 'ModelArts.4310', BUCKET));
    const bad = await t.client.http.raw('POST', `/v1/${t.client.projectId}/demanager/instances/${id}/action`, { body: { action: 'restart' } });
    assert.equal(bad.status, 400);
    assert.equal((await t.client.devenv.list({ de_type: 'Notebook' })).total_count, before);
    assert.equal((await other.devenv.list({ de_type: 'Notebook' })).total_count, 0);
  });

  test('delete answers the id; the instance and its notebook are gone', async () => {
    const answer = await t.client.devenv.delete(id);
    assert.deepEqual(answer, { instance_id: id });
    await assert.rejects(t.client.devenv.get(id), apiFailure(404, 'ModelArts.6309'));
    await eventually(
      () =>
        t.client.notebooks.get(id).then(
          () => false,
          () => true,
        ),
      'the notebook removed',
    );
  });
});
