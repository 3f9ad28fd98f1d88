import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReconcilerLoop } from '#src/runtime/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('reconcilers run at start and then periodically, never overlapping, surviving errors', async () => {
  let runs = 0;
  let active = 0;
  let maxActive = 0;
  let failing = 0;
  const loop = new ReconcilerLoop(30);
  loop.add({
    name: 'slow',
    reconcile: async () => {
      runs++;
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(70); // longer than the interval
      active--;
    },
  });
  loop.add({
    name: 'throws',
    reconcile: async () => {
      failing++;
      throw new Error('broken');
    },
  });
  loop.start();
  await sleep(5);
  assert.equal(runs, 1, 'ran at start-up');
  await sleep(300);
  await loop.stop();
  assert.ok(runs >= 3, `ran periodically (${runs})`);
  assert.equal(maxActive, 1, 'never overlapped itself');
  assert.ok(failing >= 3, 'a throwing reconciler keeps being called');
  const after = runs;
  await sleep(100);
  assert.equal(runs, after, 'stopped');
});

test('runOnce waits for a pass of every reconciler', async () => {
  const seen: string[] = [];
  const loop = new ReconcilerLoop(1000);
  loop.add({ name: 'a', reconcile: async () => void seen.push('a') });
  loop.add({ name: 'b', reconcile: async () => void seen.push('b') });
  await loop.runOnce();
  assert.deepEqual(seen.sort(), ['a', 'b']);
});
