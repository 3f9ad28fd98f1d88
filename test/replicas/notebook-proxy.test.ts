// A notebook's URL works through any replica: the one that did not start its Jupyter finds the
// instance's port and tokens in the database (all replicas on one host with the local executor).
// Runs on SQLite and PostgreSQL: two servers on one database, only the first starting instances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { buildApp } from '#src/app.ts';
import { startTestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, execute, notebookEnv, startKernel, waitFor, waitGone } from '../notebooks/helpers.ts';

test("a notebook started by one replica answers through another replica's proxy, HTTP and WebSocket, until it stops", async () => {
  const t = await startTestApp(await notebookEnv());
  const other = await buildApp(t.config);
  try {
    await other.app.listen({ host: '127.0.0.1', port: 0 });
    const otherOrigin = `http://127.0.0.1:${(other.app.server.address() as AddressInfo).port}`;
    const created = await t.client.notebooks.create({
      name: 'any-replica',
      flavor: FLAVOR,
      image_id: builtInImage().id,
      volume: { category: 'EVS', ownership: 'MANAGED' },
    });
    const nb = await waitFor(t.client, created.id, ['RUNNING']);
    assert.equal(other.context.database.dialect, t.atelier.context.database.dialect);
    const viaOther = nb.url.replace(new URL(nb.url).origin, otherOrigin);
    assert.notEqual(viaOther, nb.url);

    const kernel = await startKernel(viaOther, nb.token);
    assert.equal(await execute(viaOther, nb.token, kernel, 'y = 6 * 7; y'), '42');
    assert.equal(await execute(nb.url, nb.token, kernel, 'y + 1'), '43', 'the same kernel through the first replica');
    const wrongToken = await fetch(`${viaOther}api/status`, { headers: { authorization: 'token not-the-token' } });
    assert.equal(wrongToken.status, 401, 'the other replica checks the instance token as the first does');

    await t.client.notebooks.stop(created.id);
    await waitFor(t.client, created.id, ['STOPPED']);
    const stopped = await fetch(`${viaOther}api/status`, { headers: { authorization: `token ${nb.token}` } });
    assert.ok(stopped.status >= 400, `a stopped instance is refused by the other replica too (${stopped.status})`);
    await t.client.notebooks.delete(created.id);
    await waitGone(t.client, created.id);
  } finally {
    await other.close();
    await t.close();
  }
});
