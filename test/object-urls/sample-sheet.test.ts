// GetSampleSheet: a page of sample previews in one JPEG, through HTTP with the typed client. Each
// tile shows its sample's preview; a sample no preview can be made of is a blank tile named in the
// answer; the ETag follows the objects (a replaced one gives a new sheet); the input is bounded and
// another account's dataset is not seen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, putFile } from '../samples/fixtures.ts';

type Rgb = [number, number, number];
const RED: Rgb = [220, 20, 20];
const GREEN: Rgb = [20, 200, 20];
const BLUE: Rgb = [20, 20, 220];
const YELLOW: Rgb = [230, 220, 20];
const TILE = { tile_width: 24, tile_height: 16 };

const solid = ([r, g, b]: Rgb, width = 64, height = 48): Promise<Buffer> =>
  sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .jpeg({ quality: 95 })
    .toBuffer();

/** The colour at the centre of tile `i` of a sheet of `columns` tiles a row. */
async function tileColour(sheet: Buffer, i: number, columns: number): Promise<Rgb> {
  const { data, info } = await sharp(sheet).raw().toBuffer({ resolveWithObject: true });
  const x = (i % columns) * TILE.tile_width + TILE.tile_width / 2;
  const y = Math.floor(i / columns) * TILE.tile_height + TILE.tile_height / 2;
  const at = (y * info.width + x) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

const near = (got: Rgb, want: Rgb, what: string) =>
  assert.ok(
    got.every((v, k) => Math.abs(v - want[k]!) <= 24),
    `${what}: ${got.join(',')} is not near ${want.join(',')}`,
  );

describe('thumbnail sheets (GetSampleSheet)', () => {
  let t: TestApp;
  let ds: { id: string; input: string };
  let ids: Record<string, string>;
  before(async () => {
    t = await startTestApp();
    t.atelier.startBackground();
    ds = await createDataset(t, {
      files: { 'red.jpg': await solid(RED), 'green.jpg': await solid(GREEN, 48, 64), 'blue.jpg': await solid(BLUE), 'broken.jpg': 'not an image' },
    });
    const list = await t.client.samples.list(ds.id, { limit: 100 });
    ids = Object.fromEntries(list.samples.map((s) => [s.sample_name!, s.sample_id!]));
  });
  after(() => t.close());

  const order = () => [ids['red.jpg']!, ids['green.jpg']!, ids['blue.jpg']!, ids['broken.jpg']!];

  test('each tile shows its sample, in the order asked; a sample that is no image is a blank tile named as missing', async () => {
    const sheet = await t.client.samples.sheet(ds.id, { sample_ids: order().join(','), ...TILE });
    assert.equal(sheet.status, 200);
    assert.ok(sheet.etag?.startsWith('"sheet-'), String(sheet.etag));
    assert.equal(sheet.columns, 10);
    assert.deepEqual(sheet.missing, [3]);
    const meta = await sharp(sheet.data).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, 10 * TILE.tile_width);
    assert.equal(meta.height, TILE.tile_height);
    near(await tileColour(sheet.data!, 0, 10), RED, 'tile 0');
    near(await tileColour(sheet.data!, 1, 10), GREEN, 'tile 1 (a portrait image, covering its tile)');
    near(await tileColour(sheet.data!, 2, 10), BLUE, 'tile 2');
    near(await tileColour(sheet.data!, 3, 10), [238, 240, 243], 'the blank tile, of the background colour');
    // Another order is another sheet.
    const reversed = await t.client.samples.sheet(ds.id, { sample_ids: [ids['blue.jpg']!, ids['red.jpg']!].join(','), ...TILE });
    near(await tileColour(reversed.data!, 0, 10), BLUE, 'reversed tile 0');
    near(await tileColour(reversed.data!, 1, 10), RED, 'reversed tile 1');
    assert.notEqual(reversed.etag, sheet.etag);
  });

  test('a sheet seen before is answered 304 to its ETag; its tiles are thumbnails of the cache, made once per size', async () => {
    const q = { sample_ids: order().slice(0, 3).join(','), ...TILE };
    const cache = join(t.config.dataDir, 'cache', 'thumbnails');
    const count = () => (existsSync(cache) ? readdirSync(cache).filter((f) => !f.startsWith('.')).length : 0);
    // A sheet answers with the previews it made as pixels; their entries are written once no resize has started for a moment.
    const settled = async (want: number) => {
      for (const deadline = Date.now() + 5000; count() < want && Date.now() < deadline;) await new Promise((res) => setTimeout(res, 10));
      return count();
    };
    const first = await t.client.samples.sheet(ds.id, q);
    const entries = await settled(3);
    const again = await t.client.samples.sheet(ds.id, q, first.etag!);
    assert.equal(again.status, 304);
    assert.equal(again.etag, first.etag);
    assert.equal(again.data, undefined);
    // Composed again without the ETag: from the same entries.
    assert.equal((await t.client.samples.sheet(ds.id, q)).status, 200);
    assert.equal(count(), entries, 'no thumbnail made twice');
    // Another tile size is another thumbnail size: one entry per object.
    const bigger = await t.client.samples.sheet(ds.id, { ...q, tile_width: 40, tile_height: 40 });
    assert.equal(bigger.status, 200);
    assert.notEqual(bigger.etag, first.etag);
    assert.equal(await settled(entries + 3), entries + 3);
    // The single preview URL of a sample (the grid's fallback) is a size of its own too.
    const listed = await t.client.samples.list(ds.id, { limit: 100, preview: true });
    const red = listed.samples.find((s) => s.sample_name === 'red.jpg')!;
    assert.equal((await fetch(red.source!)).status, 200);
    assert.equal(count(), entries + 4);
  });

  test('a sample whose object was replaced gets a new sheet (the old ETag no longer holds)', async () => {
    const q = { sample_ids: order().slice(0, 3).join(','), ...TILE };
    const before = await t.client.samples.sheet(ds.id, q);
    putFile(t, `${ds.input}red.jpg`, await solid(YELLOW, 80, 60));
    const after = await t.client.samples.sheet(ds.id, q, before.etag!);
    assert.equal(after.status, 200);
    assert.notEqual(after.etag, before.etag);
    near(await tileColour(after.data!, 0, 10), YELLOW, 'the replaced tile');
    near(await tileColour(after.data!, 1, 10), GREEN, 'the others as they were');
  });

  test('small sources of one size, made together, each show in their own tile', async () => {
    const colours: Rgb[] = [RED, GREEN, BLUE, YELLOW, [250, 250, 250], [5, 5, 5]];
    // 40x40 sources for 24x16 tiles: less than twice the tile, so they are decoded in one pipeline.
    const files = Object.fromEntries(colours.map((c, i) => [`small-${i}.jpg`, solid(c, 40, 40)]));
    const small = await createDataset(t, { files: Object.fromEntries(await Promise.all(Object.entries(files).map(async ([k, v]) => [k, await v] as const))) });
    const list = (await t.client.samples.list(small.id, { limit: 100 })).samples;
    const byName = new Map(list.map((s) => [s.sample_name!, s.sample_id!]));
    const sheet = await t.client.samples.sheet(small.id, { sample_ids: colours.map((_, i) => byName.get(`small-${i}.jpg`)!).join(','), ...TILE });
    assert.deepEqual(sheet.missing, []);
    for (const [i, c] of colours.entries()) near(await tileColour(sheet.data!, i, 10), c, `tile ${i}`);
  });

  test('a sheet whose client goes away makes no more previews than it had started', async () => {
    // Sources that take a while to resize (a few ms each), so the sheet is far from done when its client leaves.
    const photo = await sharp({
      create: { width: 1600, height: 1200, channels: 3, background: { r: 0, g: 0, b: 0 }, noise: { type: 'gaussian', mean: 128, sigma: 30 } },
    })
      .jpeg()
      .toBuffer();
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${i}.jpg`, photo]));
    const big = await createDataset(t, { files });
    const all = (await t.client.samples.list(big.id, { limit: 100 })).samples.map((s) => s.sample_id!);
    const cache = join(t.config.dataDir, 'cache', 'thumbnails');
    const entries = () => (existsSync(cache) ? readdirSync(cache).filter((f) => !f.startsWith('.')).length : 0);
    const before = entries();
    const query = { sample_ids: all.slice(0, 50).join(','), tile_width: 30, tile_height: 30 };
    const req = t.client.http.prepare('GET', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/sample-sheet', { params: { dataset_id: big.id }, query });
    const leave = new AbortController();
    const asked = fetch(req.url, { headers: req.headers, signal: leave.signal }).catch((e: unknown) => e);
    setTimeout(() => leave.abort(), 30);
    assert.ok((await asked) instanceof Error, 'the request was aborted before its answer');
    // The previews already under way are finished and kept (entries are written once the server is quiet).
    await new Promise((res) => setTimeout(res, 1500));
    const made = entries() - before;
    assert.ok(made < 25, `${made} of the 50 previews were made after the client left`);
    // Asked for again, the sheet is whole.
    const again = await t.client.samples.sheet(big.id, query);
    assert.deepEqual(again.missing, []);
  });

  test('bad input: a 400 naming the field', async () => {
    const one = ids['red.jpg']!;
    await assert.rejects(
      t.client.samples.sheet(ds.id, { sample_ids: Array.from({ length: 101 }, () => one).join(','), ...TILE }),
      apiFailure(400, 'ModelArts.0104', 'query.sample_ids'),
    );
    await assert.rejects(t.client.samples.sheet(ds.id, { sample_ids: `${one},,${one}`, ...TILE }), apiFailure(400, 'ModelArts.0104', 'query.sample_ids[1]'));
    await assert.rejects(t.client.samples.sheet(ds.id, { sample_ids: `${one},../x`, ...TILE }), apiFailure(400, 'ModelArts.0104', 'query.sample_ids[1]'));
    await assert.rejects(
      t.client.samples.sheet(ds.id, { sample_ids: `${one},${'f'.repeat(32)}`, ...TILE }),
      apiFailure(400, 'ModelArts.4420', 'query.sample_ids[1]'),
    );
    await assert.rejects(t.client.samples.sheet(ds.id, { sample_ids: one, tile_width: 0 }), (e: unknown) => {
      assert.ok(e instanceof Error && /HTTP 400/.test(e.message) && /tile_width/.test(e.message), String(e));
      return true;
    });
    await assert.rejects(t.client.samples.sheet(ds.id, { sample_ids: one, tile_height: 321 }), /HTTP 400.*tile_height/);
  });

  test("another account's dataset is not seen", async () => {
    const other = await t.newTenant('sheet-other');
    await assert.rejects(other.samples.sheet(ds.id, { sample_ids: ids['red.jpg']!, ...TILE }), apiFailure(404, 'ModelArts.6623'));
  });
});
