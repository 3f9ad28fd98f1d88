// Notebook instances end to end: a real Jupyter Server in the sandbox behind Atelier's proxy, code
// run in a kernel over the proxied WebSocket, stop and start keeping the volume, leases (timed and
// idle), access refused without the instance's token or a credential of its project, bad input, and
// delete leaving nothing behind. One instance is reused across tests to keep the suite short.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, execute, notebookEnv, startKernel, waitFor, waitGone, builtInImage } from './helpers.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Processes whose command line names `text` (an instance's Jupyter and kernels name its id). */
function processesNaming(text: string): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text)) out.push(Number(pid));
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

describe('notebook instances', () => {
  let t: TestApp;
  let other: AtelierClient;
  let imageId: string;
  /** The instance most tests share: created with hooks, running between tests. */
  let a: { id: string; url: string; token: string };
  let aKernel: string;
  const created: string[] = [];

  const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 5 };
  const createBody = (name: string, extra: Record<string, unknown> = {}) => ({ name, flavor: FLAVOR, image_id: imageId, volume, ...extra });
  const proxied = (path: string, headers: Record<string, string> = {}) => fetch(`${a.url}${path}`, { headers, redirect: 'manual' });
  const folder = (id: string) => join(t.config.dataDir, 'notebooks', id);
  const poolHolds = (id: string) => t.atelier.context.localPool.holdings().some((h) => h.key === `notebook-${id}`);
  const jupyterOf = (id: string) => processesNaming(id);

  before(async () => {
    t = await startTestApp(await notebookEnv());
    other = await t.newTenant('nb-other');
    imageId = builtInImage().id;
  });

  after(async () => {
    for (const id of created) await t.client.notebooks.delete(id).catch(() => undefined);
    for (const id of created) await waitGone(t.client, id).catch(() => undefined);
    await t.close();
  });

  test('create on the built-in image, RUNNING, code runs in a kernel through the proxy (steps 1-3); hooks ran', async () => {
    const nb = await t.client.notebooks.create(
      createBody('first-notebook', {
        description: 'end to end',
        hooks: {
          container_hooks: {
            pre_start: { type: 'COMMAND', script: b64('echo pre-start-ran > pre.txt; echo hook output') },
            post_start: { type: 'COMMAND', script: b64('echo post > post.txt') },
          },
        },
      }),
    );
    created.push(nb.id);
    assert.equal(nb.status, 'CREATING');
    assert.equal(nb.image.id, imageId);
    assert.equal(nb.lease.type, 'TIMING');
    assert.ok(nb.url.endsWith(`/v1/${t.client.projectId}/notebooks/${nb.id}/lab/`));
    const running = await waitFor(t.client, nb.id, ['RUNNING']);
    assert.deepEqual(
      running.action_progress.map((p) => p.status),
      ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED'],
    );
    assert.equal(running.volume.mount_path, '/home/ma-user/work/');
    a = { id: nb.id, url: running.url, token: running.token };
    assert.ok(poolHolds(a.id), 'the flavor is held in the local pool');

    aKernel = await startKernel(a.url, a.token);
    assert.equal(await execute(a.url, a.token, aKernel, "import os; open('hello.txt','w').write('hi'); 6*7"), '42');
    assert.equal(await execute(a.url, a.token, aKernel, 'os.getcwd()'), "'/home/ma-user/work'");
    const work = join(folder(a.id), 'work');
    assert.equal(readFileSync(join(work, 'hello.txt'), 'utf8'), 'hi');
    assert.equal(readFileSync(join(work, 'pre.txt'), 'utf8'), 'pre-start-ran\n');
    assert.equal(readFileSync(join(work, 'post.txt'), 'utf8'), 'post\n');
    assert.match(readFileSync(join(folder(a.id), 'notebook.log'), 'utf8'), /hook output/);
  });

  test('the kernel runs the image and pip installs go to the instance venv', async () => {
    const prefix = await execute(a.url, a.token, aKernel, 'import sys; sys.prefix');
    assert.equal(prefix, `'${join(folder(a.id), 'env')}'`);
    assert.equal(await execute(a.url, a.token, aKernel, 'import pip, ipykernel; 1'), '1');
  });

  test('the proxy admits the token (query once, then its cookie; or the header) and a credential of the project', async () => {
    const page = await proxied(`api/contents/hello.txt?token=${a.token}`);
    assert.equal(page.status, 200);
    const cookie = page.headers.getSetCookie().find((c) => c.startsWith('atelier-notebook-')) ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, new RegExp(`Path=/v1/${t.client.projectId}/notebooks/${a.id}/lab/`));
    const byCookie = await proxied('api/contents/hello.txt', { cookie: cookie.split(';')[0]! });
    assert.equal(byCookie.status, 200);
    assert.equal(((await byCookie.json()) as { content: string }).content, 'hi');
    assert.equal((await proxied('api/status', { authorization: `token ${a.token}` })).status, 200);
    // JupyterLab's page itself
    if ((await proxied('lab', { authorization: `token ${a.token}` })).status !== 200) assert.fail('the JupyterLab page is served');

    const signed = await t.client.http.raw('GET', `/v1/{project_id}/notebooks/${a.id}/lab/api/contents/hello.txt`);
    assert.equal(signed.status, 200, signed.text);
    const issued = await t.atelier.context.identity.issueToken({
      domainName: t.creds.domain_name,
      userName: t.creds.user_name,
      password: t.creds.password,
      project: { id: t.client.projectId },
    });
    const byApiToken = await proxied('api/status', { 'x-auth-token': issued!.token });
    assert.equal(byApiToken.status, 200);
  });

  test('no token, a wrong or another instance token, another project: refused', async () => {
    assert.equal((await proxied('api/status')).status, 401);
    assert.equal((await proxied('api/status?token=wrong')).status, 401);
    assert.equal((await proxied('api/status', { cookie: `atelier-notebook-${a.id}=wrong` })).status, 401);
    // the other tenant signs a request for our instance
    const foreign = await other.http.raw('GET', `/v1/${t.client.projectId}/notebooks/${a.id}/lab/api/status`);
    assert.equal(foreign.status, 403);
    // and the API does not show it to them
    await assert.rejects(other.notebooks.get(a.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.stop(a.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.start(a.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.delete(a.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(other.notebooks.lease(a.id), apiFailure(404, 'ModelArts.6309'));
    assert.equal((await other.notebooks.list()).total, 0);
  });

  test('list, flavors, lease, update', async () => {
    const list = await t.client.notebooks.list({ name: 'FIRST', status: 'RUNNING', sort_key: 'name', sort_dir: 'ASC' });
    assert.equal(list.total, 1);
    assert.equal(list.data[0]!.id, a.id);
    assert.equal((await t.client.notebooks.list({ status: 'STOPPED' })).total, 0);
    await assert.rejects(t.client.notebooks.list({ sort_key: 'token' }), apiFailure(400, 'ModelArts.0104', 'sort_key'));

    const flavors = await t.client.notebooks.flavors();
    assert.ok(flavors.flavors.some((f) => f.id === FLAVOR && f.category === 'CPU' && f.vcpus === 1));
    assert.equal((await t.client.notebooks.flavors({ category: 'GPU' })).total, 0);
    const switchable = await t.client.notebooks.switchableFlavors(a.id);
    assert.ok(switchable.flavors.every((f) => f.id !== FLAVOR));

    const lease = await t.client.notebooks.lease(a.id);
    assert.equal(lease.enable, true);
    assert.equal(lease.duration, 3_600_000);

    const renamed = await t.client.notebooks.update(a.id, { name: 'first-renamed', description: 'renamed' });
    assert.equal(renamed.name, 'first-renamed');
    await assert.rejects(t.client.notebooks.update(a.id, { flavor: 'modelarts.vm.cpu.2u' }), apiFailure(400, 'ModelArts.6347'));
  });

  test('starting a running instance is refused; stop, start again: hello.txt is still there (step 5)', async () => {
    await assert.rejects(t.client.notebooks.start(a.id), apiFailure(400, 'ModelArts.6305'));
    const stopping = await t.client.notebooks.stop(a.id);
    assert.equal(stopping.status, 'STOPPING');
    await waitFor(t.client, a.id, ['STOPPED']);
    assert.ok(!poolHolds(a.id), 'a stopped instance holds nothing of the pool');
    assert.equal(jupyterOf(a.id).length, 0, 'no process of a stopped instance');
    assert.equal((await proxied('api/status', { authorization: `token ${a.token}` })).status, 400);
    await assert.rejects(t.client.notebooks.stop(a.id), apiFailure(400, 'ModelArts.6307'));
    // the flavor changes only while stopped, to one that exists
    const bigger = (await t.client.notebooks.flavors()).flavors.find((f) => f.id !== FLAVOR)?.id;
    if (bigger) assert.equal((await t.client.notebooks.update(a.id, { flavor: bigger })).flavor, bigger);
    await assert.rejects(t.client.notebooks.update(a.id, { flavor: 'modelarts.vm.gpu.t4' }), apiFailure(400, 'ModelArts.6323'));
    await t.client.notebooks.update(a.id, { flavor: FLAVOR });

    await t.client.notebooks.start(a.id);
    await waitFor(t.client, a.id, ['RUNNING']);
    const k = await startKernel(a.url, a.token);
    assert.equal(await execute(a.url, a.token, k, "open('hello.txt').read()"), "'hi'");
  });

  test('a timed lease stops the instance by itself, as an event of its history (step 6)', async () => {
    await t.client.notebooks.renewLease(a.id, { type: 'TIMING', duration: 1500 });
    const stopped = await waitFor(t.client, a.id, ['STOPPED'], 20_000);
    assert.match(stopped.fail_reason ?? '', /lease/);
    // The status history (ListNotebookEvents): newest first, the lease named.
    const history = await t.client.notebooks.events(a.id);
    assert.equal(history.count, history.events.length);
    assert.ok(history.total >= 6, `created, started, ran, stopped, started, ran, stopped by the lease: ${history.total}`);
    const [last, before] = history.events;
    assert.equal(last?.status, 'STOPPED');
    assert.match(last?.message ?? '', /the lease of \d+ ms ran out/);
    assert.equal(before?.status, 'STOPPING');
    assert.match(before?.message ?? '', /the lease of \d+ ms ran out/);
    for (let i = 1; i < history.events.length; i++) assert.ok(history.events[i - 1]!.time >= history.events[i]!.time, 'newest first');
    // paging, both orders
    const second = await t.client.notebooks.events(a.id, { offset: 1, limit: 1 });
    assert.deepEqual(second.events, [before]);
    assert.equal(second.total, history.total);
    const oldest = await t.client.notebooks.events(a.id, { sort_dir: 'ASC', limit: 2 });
    assert.equal(oldest.count, 2);
    assert.equal(oldest.events[0]?.status, 'CREATING');
    assert.deepEqual(oldest.events, history.events.slice(-2).reverse());
    assert.equal((await t.client.notebooks.events(a.id, { offset: history.total })).count, 0);
    // bad input, another project, an unknown instance
    await assert.rejects(t.client.notebooks.events(a.id, { limit: 0 }), apiFailure(400, 'ModelArts.0104', 'limit'));
    await assert.rejects(t.client.notebooks.events(a.id, { limit: 501 }), apiFailure(400, 'ModelArts.0104', 'limit'));
    await assert.rejects(t.client.notebooks.events(a.id, { offset: -1 }), apiFailure(400, 'ModelArts.0104', 'offset'));
    await assert.rejects(t.client.notebooks.events(a.id, { sort_dir: 'UP' as never }), apiFailure(400, 'ModelArts.0104', 'sort_dir'));
    await assert.rejects(other.notebooks.events(a.id), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(t.client.notebooks.events('00000000-0000-0000-0000-000000000000'), apiFailure(404, 'ModelArts.6309'));
    await assert.rejects(t.client.notebooks.renewLease(a.id, { duration: 1000 }), apiFailure(400, 'ModelArts.6327'));
  });

  test('an idle lease stops an instance nobody uses', async () => {
    await t.client.notebooks.start(a.id, { type: 'IDLE', duration: 1500 });
    const running = await waitFor(t.client, a.id, ['RUNNING']);
    assert.equal(running.lease.type, 'IDLE');
    const stopped = await waitFor(t.client, a.id, ['STOPPED'], 20_000);
    assert.match(stopped.fail_reason ?? '', /idle/);
  });

  test('bad input is refused and nothing is stored', async () => {
    const before = (await t.client.notebooks.list()).total;
    await assert.rejects(t.client.notebooks.create(createBody('x', { flavor: 'modelarts.vm.cpu.999u' })), apiFailure(400, 'ModelArts.6323'));
    await assert.rejects(
      t.client.notebooks.create(createBody('x', { image_id: '00000000-0000-0000-0000-000000000000' })),
      apiFailure(400, 'ModelArts.0104', 'image_id'),
    );
    await assert.rejects(t.client.notebooks.create(createBody('x', { lease: { duration: -5 } })), apiFailure(400, 'ModelArts.0104', 'duration'));
    await assert.rejects(t.client.notebooks.create(createBody('x', { lease: { duration: 31 * 86_400_000 } })), apiFailure(400, 'ModelArts.0104', 'duration'));
    await assert.rejects(
      t.client.notebooks.create(createBody('x', { lease: { type: 'IDLE', duration: 10 } })),
      apiFailure(400, 'ModelArts.0104', 'lease.duration'),
    );
    await assert.rejects(t.client.notebooks.create(createBody('x', { endpoints: [{ dev_service: 'SSH' }] })), apiFailure(400, 'ModelArts.0104', 'SSH'));
    await assert.rejects(t.client.notebooks.create(createBody('bad name!')), apiFailure(400, 'ModelArts.0104', 'name'));
    await assert.rejects(t.client.notebooks.create(createBody('x', { pool_id: 'pool-1' })), apiFailure(400, 'ModelArts.0104', 'pool_id'));
    // a flavor that does not fit in the pool now
    const pool = t.atelier.context.localPool;
    pool.set('test-hog', { cpu: pool.schedulable.cpu, memoryMb: 1 });
    try {
      await assert.rejects(t.client.notebooks.create(createBody('x')), apiFailure(400, 'ModelArts.6329'));
      await assert.rejects(t.client.notebooks.start(a.id), apiFailure(400, 'ModelArts.6329'));
    } finally {
      pool.release('test-hog');
    }
    assert.equal((await t.client.notebooks.list()).total, before);
    await assert.rejects(t.client.notebooks.get('no-such-instance'), apiFailure(404, 'ModelArts.6309'));
  });

  test('a failed create: CREATE_FAILED with the reason, no process, no pool share; delete removes its folder', async () => {
    const nb = await t.client.notebooks.create(
      createBody('failing', { hooks: { container_hooks: { pre_start: { type: 'COMMAND', script: b64('echo broken >&2; exit 3') } } } }),
    );
    created.push(nb.id);
    let row = await t.client.notebooks.get(nb.id);
    for (let i = 0; i < 300 && row.status !== 'CREATE_FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      row = await t.client.notebooks.get(nb.id);
    }
    assert.equal(row.status, 'CREATE_FAILED');
    assert.match(row.fail_reason ?? '', /pre_start/);
    assert.ok(row.action_progress.some((p) => p.status === 'FAILED'));
    assert.ok(!poolHolds(nb.id));
    assert.equal(jupyterOf(nb.id).length, 0);
    await t.client.notebooks.delete(nb.id);
    await waitGone(t.client, nb.id);
    assert.ok(!existsSync(folder(nb.id)));
  });

  test('delete everything: the instance, its process, pool share and folder go (step 8)', async () => {
    await t.client.notebooks.start(a.id);
    await waitFor(t.client, a.id, ['RUNNING']);
    const deleting = await t.client.notebooks.delete(a.id);
    assert.equal(deleting.status, 'DELETING');
    await waitGone(t.client, a.id);
    assert.ok(!poolHolds(a.id));
    assert.equal(jupyterOf(a.id).length, 0);
    assert.ok(!existsSync(folder(a.id)));
    assert.equal((await t.client.notebooks.list()).total, 0);
  });
});
