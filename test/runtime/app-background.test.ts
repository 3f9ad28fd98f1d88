import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { defineTask } from '#src/runtime/index.ts';
import { startTestApp } from '../helpers/app.ts';

test('the app runs registered task classes and reconcilers once its background work starts', async () => {
  const t = await startTestApp();
  try {
    const { worker, tasks, reconcilers } = t.atelier.context;
    let reconciled = 0;
    reconcilers.add({ name: 'probe', reconcile: async () => void reconciled++ });
    const hello = defineTask({ name: 'hello', payload: Type.Object({ who: Type.String() }), run: async (p) => `hello ${p.who}` });
    worker.register(hello);
    const id = await tasks.enqueue(hello, { who: 'atelier' });
    assert.equal((await tasks.get(id))!.status, 'queued', 'nothing runs before start');
    const started = Date.now();
    t.atelier.startBackground();
    while ((await tasks.get(id))!.status !== 'succeeded') {
      assert.ok(Date.now() - started < 5000, 'task finished');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(JSON.parse((await tasks.get(id))!.result!), 'hello atelier');
    assert.ok(reconciled >= 1, 'reconciled at start-up');
  } finally {
    await t.close();
  }
});
