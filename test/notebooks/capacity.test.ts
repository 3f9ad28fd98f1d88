// The volume's capacity is enforced: an instance whose working directory grows past it is stopped,
// and its status history says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApp } from '../helpers/app.ts';
import { FLAVOR, KernelGone, builtInImage, execute, notebookEnv, startKernel, waitFor, waitGone } from './helpers.ts';

test('a volume written past its capacity stops the instance, and the history names the capacity', async () => {
  const t = await startTestApp(await notebookEnv());
  try {
    const volume = { category: 'EVS' as const, ownership: 'MANAGED' as const, capacity: 1 };
    const created = await t.client.notebooks.create({ name: 'small-disk', flavor: FLAVOR, image_id: builtInImage().id, volume });
    const nb = await waitFor(t.client, created.id, ['RUNNING']);
    const kernel = await startKernel(nb.url, nb.token);
    // 1,100 MiB of real blocks (not a sparse file): more than the 1 GB the volume may hold.
    const write =
      "chunk = b'x' * (64 << 20)\nwith open('big.bin', 'wb') as f:\n    for _ in range(17): f.write(chunk)\n    f.write(chunk[: 12 << 20])\nimport os; os.path.getsize('big.bin') >> 20";
    // The instance may be stopped before the write ends (the check can come while the file grows past 1 GB).
    const wrote = await execute(nb.url, nb.token, kernel, write).catch((e: unknown) => (e instanceof KernelGone ? 'stopped first' : Promise.reject(e)));
    assert.ok(wrote === '1100' || wrote === 'stopped first', wrote);
    const stopped = await waitFor(t.client, nb.id, ['STOPPED'], 60_000);
    assert.equal(stopped.status, 'STOPPED');
    const history = await t.client.notebooks.events(nb.id, { limit: 5 });
    assert.ok(
      history.events.some((e) => /over its capacity of 1 GB/.test(e.message)),
      history.events.map((e) => `${e.status}: ${e.message}`).join('\n'),
    );
    await t.client.notebooks.delete(nb.id);
    await waitGone(t.client, nb.id);
  } finally {
    await t.close();
  }
});
