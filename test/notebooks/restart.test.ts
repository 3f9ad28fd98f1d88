// A restart of Atelier: a live Jupyter is adopted (same process, the kernel still answers), one that
// died meanwhile is started again (never RUNNING with nothing behind it), and leases keep counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { restartedApp, startTestApp } from '../helpers/app.ts';
import { FLAVOR, execute, notebookEnv, startKernel, waitFor, waitGone, builtInImage } from './helpers.ts';

test('a restart adopts a live Jupyter, restarts a dead one, and its lease keeps counting', async () => {
  const t = await startTestApp(await notebookEnv());
  let second: Awaited<ReturnType<typeof restartedApp>> | undefined;
  try {
    const body = { flavor: FLAVOR, image_id: builtInImage().id, volume: { category: 'EVS' as const, ownership: 'MANAGED' as const } };
    const live = await t.client.notebooks.create({ ...body, name: 'survives' });
    const dies = await t.client.notebooks.create({ ...body, name: 'dies', lease: { type: 'TIMING', duration: 600_000 } });
    const a = await waitFor(t.client, live.id, ['RUNNING']);
    const b = await waitFor(t.client, dies.id, ['RUNNING']);
    const kernel = await startKernel(a.url, a.token);
    assert.equal(await execute(a.url, a.token, kernel, 'x = 41; x + 1'), '42');
    const pidOf = async (id: string) =>
      (await t.atelier.context.database.db.selectFrom('notebooks').select(['pid']).where('id', '=', id).executeTakeFirstOrThrow()).pid!;
    const livePid = await pidOf(live.id);
    const deadPid = await pidOf(dies.id);
    const leaseBefore = b.lease;

    await t.atelier.close();
    // While no server watches, one Jupyter dies.
    process.kill(-deadPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));

    second = await restartedApp(t);
    const c = second.client;
    const adopted = await c.notebooks.get(live.id);
    assert.equal(adopted.status, 'RUNNING');
    assert.equal(
      (await second.atelier.context.database.db.selectFrom('notebooks').select(['pid']).where('id', '=', live.id).executeTakeFirstOrThrow()).pid,
      livePid,
    );
    const url = adopted.url;
    // the kernel kept its state: the same process answers through the new server's proxy
    assert.equal(await execute(url, adopted.token, kernel, 'x'), '41');

    const restarted = await c.notebooks.get(dies.id);
    assert.notEqual(restarted.status, 'RUNNING', 'a dead Jupyter is not reported RUNNING');
    const again = await waitFor(c, dies.id, ['RUNNING']);
    assert.deepEqual(again.lease, leaseBefore, 'the lease keeps counting from its start');

    for (const id of [live.id, dies.id]) await c.notebooks.delete(id);
    for (const id of [live.id, dies.id]) await waitGone(c, id);
  } finally {
    await second?.atelier.close();
    await t.close().catch(() => undefined);
  }
});

test('an instance SNAPSHOTTING when the server stops is adopted, and RUNNING again once its image is saved after the restart', async () => {
  const t = await startTestApp(await notebookEnv());
  let second: Awaited<ReturnType<typeof restartedApp>> | undefined;
  try {
    const body = { flavor: FLAVOR, image_id: builtInImage().id, volume: { category: 'EVS' as const, ownership: 'MANAGED' as const } };
    const nb = await t.client.notebooks.create({ ...body, name: 'saving' });
    await waitFor(t.client, nb.id, ['RUNNING']);
    // No task worker runs in this first server: the copy waits for the restarted one.
    const image = await t.client.notebooks.createImage(nb.id, { name: 'saved-across-restart' });
    assert.equal(image.status, 'CREATING');
    assert.equal((await t.client.notebooks.get(nb.id)).status, 'SNAPSHOTTING');
    const pid = (await t.atelier.context.database.db.selectFrom('notebooks').select(['pid']).where('id', '=', nb.id).executeTakeFirstOrThrow()).pid;
    await t.atelier.close();

    second = await restartedApp(t);
    const c = second.client;
    const db = second.atelier.context.database.db;
    assert.equal((await db.selectFrom('notebooks').select(['pid']).where('id', '=', nb.id).executeTakeFirstOrThrow()).pid, pid, 'its Jupyter is adopted');
    const running = await waitFor(c, nb.id, ['RUNNING'], 60_000);
    assert.equal((await c.images.show(image.id)).status, 'ACTIVE');
    const [last] = (await c.notebooks.events(nb.id, { limit: 1 })).events;
    assert.equal(last?.status, 'RUNNING');
    assert.match(last?.message ?? '', new RegExp(`image ${image.id} is saved \\(ACTIVE\\)`));
    assert.equal(running.status, 'RUNNING');

    await c.notebooks.delete(nb.id);
    await waitGone(c, nb.id);
    await c.images.delete(image.id);
  } finally {
    await second?.atelier.close();
    await t.close().catch(() => undefined);
  }
});
