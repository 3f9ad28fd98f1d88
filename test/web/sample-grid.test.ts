// The sample grid in Chromium. Over a dataset of 1,200 samples: scrolled a row at a time, it covers
// the view at every step but adds and drops rows only every few rows (each time it does, React renders
// the grid again), and the layer the rows scroll in is opaque (Chromium's compositor then draws nothing
// under it). Over 60 images: a block of rows at the view's edge is first asked for with its rows in
// view only, and whole once the view has loaded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request, Route } from 'playwright-core';
import type { NewSample } from '#src/formats/sample-records.ts';
import sharp from 'sharp';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset } from '../samples/fixtures.ts';
import { createDataManagement } from '../helpers/data-management.ts';
import { browserMissing, buildConsole, fillSignIn, openBrowser, type Browser } from './browser.ts';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const SAMPLES = 1200;
const ROW_HEIGHT = 176;

/** The grid rows' places in the view, and the view's top and bottom. */
function rowsInPage(page: Page) {
  return page.evaluate(() => {
    const view = document.querySelector<HTMLElement>('.sample-scroller')!.getBoundingClientRect();
    const rows = [...document.querySelectorAll<HTMLElement>('.sample-slide > .sample-row')].map((r) => {
      const box = r.getBoundingClientRect();
      return [box.top, box.bottom] as [number, number];
    });
    return { top: view.top, bottom: view.bottom, rows };
  });
}

describe('sample grid scrolling in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    mkdirSync(join(t.config.dataDir, 'obs', 'grid-bucket', 'empty'), { recursive: true });
    const created = await t.client.http.call<{ dataset_id: string }>('POST', '/v2/{project_id}/datasets', {
      body: {
        dataset_name: 'grid',
        dataset_type: 1,
        data_sources: [{ data_type: 0, data_path: '/grid-bucket/empty/' }],
        work_path: '/grid-bucket/out/',
        work_path_type: 0,
      },
    });
    for (;;) {
      const d = await t.client.http.call<{ status: number }>('GET', '/v2/{project_id}/datasets/{dataset_id}', { params: { dataset_id: created.dataset_id } });
      if (d.status === 1) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    // Rows without files: the grid is measured, not its thumbnails.
    const data = createDataManagement(t.atelier.context);
    const record = await data.directory.require(t.creds.project_id, created.dataset_id);
    const samples: NewSample[] = Array.from({ length: SAMPLES }, (_, i) => ({
      source: `/grid-bucket/none/img-${i}.jpg`,
      name: `img-${i}.jpg`,
      size: 1000,
      sampleTime: 1_700_000_000_000 + i * 1000,
      labels: [],
    }));
    await data.samples.importSamples(record, samples);
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(/\/datasets$/);
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${created.dataset_id}`);
    await page.locator('.sample-scroller .sample-cell').first().waitFor();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test('scrolled a row at a time, the rows cover the view at every step and change only every few rows', async () => {
    // Counts the rows added to or dropped from the grid (each such change is a render of the grid).
    await page.evaluate(() => {
      const w = window as unknown as { rowChanges: number };
      w.rowChanges = 0;
      new MutationObserver((records) => {
        if (records.some((r) => r.addedNodes.length > 0 || r.removedNodes.length > 0)) w.rowChanges++;
      }).observe(document.querySelector('.sample-slide')!, { childList: true });
    });
    const steps = 12;
    for (let i = 1; i <= steps; i++) {
      await page.evaluate((top) => {
        document.querySelector<HTMLElement>('.sample-scroller')!.scrollTop = top;
      }, i * ROW_HEIGHT);
      // Two frames: the scroll event, and the frame that shows its rows.
      await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
      const { top, bottom, rows } = await rowsInPage(page);
      // Every pixel of the view lies in a row or in the gap between two (rows are 164 px tall, 176 apart).
      const sorted = rows.sort((a, b) => a[0] - b[0]);
      assert.ok(sorted.length > 0 && sorted[0]![0] <= top + 8, `step ${i}: the first row starts at ${sorted[0]?.[0]}, the view at ${top}`);
      assert.ok(sorted[sorted.length - 1]![1] >= bottom - 12, `step ${i}: the last row ends at ${sorted[sorted.length - 1]?.[1]}, the view at ${bottom}`);
      for (let k = 1; k < sorted.length; k++) assert.ok(sorted[k]![0] - sorted[k - 1]![1] <= 13, `step ${i}: a hole between rows ${k - 1} and ${k}`);
    }
    const changes = await page.evaluate(() => (window as unknown as { rowChanges: number }).rowChanges);
    // A row at a time would change them at every step; the first and the last rendered row each move
    // on their own multiples of 4, so at most at half the steps.
    assert.ok(changes >= 2 && changes <= steps / 2, `the rows changed at ${changes} of ${steps} steps`);
  });

  test('a sheet still on its way when the grid is scrolled far from its rows is aborted', async () => {
    const held: Array<{ url: string; route: Route }> = [];
    const failed: string[] = [];
    const onFailed = (r: Request) => {
      if (new URL(r.url()).pathname.endsWith('/sample-sheet')) failed.push(r.url());
    };
    await page.route('**/sample-sheet?*', (route) => void held.push({ url: route.request().url(), route }));
    page.on('requestfailed', onFailed);
    const jump = (row: number) =>
      page.evaluate((top) => {
        document.querySelector<HTMLElement>('.sample-scroller')!.scrollTop = top;
      }, row * ROW_HEIGHT);
    try {
      // Rows far from the top: their sheets are asked for once their pages are in, and held.
      await jump(100);
      for (const deadline = Date.now() + 10_000; held.length === 0 && Date.now() < deadline;) await page.waitForTimeout(20);
      assert.ok(held.length > 0, 'the sheets of rows 100 on were asked for');
      const asked = held.map((h) => h.url);
      // Far away again before they are answered: no cell waits for them any more.
      await jump(180);
      for (const deadline = Date.now() + 10_000; !asked.every((u) => failed.includes(u)) && Date.now() < deadline;) await page.waitForTimeout(20);
      assert.deepEqual(
        asked.filter((u) => !failed.includes(u)),
        [],
        `${failed.length} of ${asked.length} sheets of the rows left behind aborted`,
      );
    } finally {
      page.off('requestfailed', onFailed);
      await page.unroute('**/sample-sheet?*');
      for (const h of held) await h.route.continue().catch(() => undefined);
    }
  });

  test("a block at the view's edge is asked for with its rows in view first, then whole; every cell in view shows its tile", async () => {
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 60; i++) {
      files[`img-${String(i).padStart(2, '0')}.png`] = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 4 * i, g: 100, b: 200 } } })
        .png()
        .toBuffer();
    }
    const ds = await createDataset(t, { files });
    const asked: string[][] = [];
    const onRequest = (r: { url(): string }) => {
      const url = new URL(r.url());
      if (url.pathname.endsWith('/sample-sheet')) asked.push(url.searchParams.get('sample_ids')!.split(','));
    };
    page.on('request', onRequest);
    try {
      await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${ds.id}`);
      // 6 columns; the view holds rows 0-3 (the fourth in part): blocks of 3 rows, the second at the edge.
      await page.waitForFunction(() => {
        const view = document.querySelector('.sample-scroller')?.getBoundingClientRect();
        if (!view) return false;
        const cells = [...document.querySelectorAll<HTMLElement>('.sample-cell')].filter((c) => c.getBoundingClientRect().top < view.bottom);
        return cells.length === 24 && cells.every((c) => c.querySelector('.thumb-sheet') !== null);
      });
      await page.waitForFunction(() => document.querySelectorAll('.sample-row .thumb-sheet').length >= 36);
    } finally {
      page.off('request', onRequest);
    }
    assert.deepEqual(
      asked.slice(0, 2).map((ids) => ids.length),
      [18, 6],
      `first sheets asked: ${asked.map((ids) => ids.length).join(', ')}`,
    );
    const whole = asked.slice(2).find((ids) => ids.length === 18 && asked[1]!.every((id) => ids.includes(id)));
    assert.ok(whole, `the edge block asked for whole after the view: ${asked.map((ids) => ids.length).join(', ')}`);
    assert.deepEqual(whole.slice(0, 6), asked[1], 'its first row is the row that was in view');
  });

  test('the layer the rows scroll in is opaque, of the page colour', async () => {
    const colours = await page.evaluate(() => ({
      layer: getComputedStyle(document.querySelector('.sample-layer')!).backgroundColor,
      page: getComputedStyle(document.body).backgroundColor,
    }));
    assert.match(colours.layer, /^rgb\(\d+, \d+, \d+\)$/, `layer background ${colours.layer}`);
    assert.equal(colours.layer, colours.page);
  });

  test('samples a scan wrote after the grid last polled show once the dataset turns Ready', async () => {
    const files: Record<string, Buffer> = {};
    for (const [name, g] of [
      ['a.png', 40],
      ['b.png', 120],
      ['c.png', 200],
    ] as const) {
      files[name] = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: 10, g, b: 90 } } })
        .png()
        .toBuffer();
    }
    const ds = await createDataset(t, { files });
    const datasetPath = `/v2/${t.creds.project_id}/datasets/${ds.id}`;
    // The browser sees a scan under way (the dataset scanning, no samples yet), then the dataset Ready
    // just after a sample page without them: the order a loaded server can answer the two polls in.
    // Ready comes 100 ms after such a page, so the grid's own next poll (a second apart) is not due yet.
    let scanOver = false;
    let readyServed = false;
    let emptyPolls = 0;
    let emptyAnswered = () => {};
    const isDataset = (url: URL) => url.pathname === datasetPath;
    const isSamples = (url: URL) => url.pathname === `${datasetPath}/data-annotations/samples`;
    await page.route(isDataset, async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { status: number };
      if (scanOver && !readyServed) {
        await new Promise<void>((res) => (emptyAnswered = res));
        await page.waitForTimeout(100);
        readyServed = true;
      }
      await route.fulfill({ response, json: readyServed ? body : { ...body, status: 0 } });
    });
    await page.route(isSamples, async (route) => {
      const response = await route.fetch();
      if (readyServed) return route.fulfill({ response });
      emptyPolls++;
      await route.fulfill({ response, json: { ...((await response.json()) as object), sample_count: 0, samples: [] } });
      emptyAnswered();
    });
    try {
      await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${ds.id}`);
      await page.getByTestId('dataset-status').getByText('Scanning', { exact: false }).waitFor();
      for (const deadline = Date.now() + 10_000; emptyPolls < 2 && Date.now() < deadline;) await page.waitForTimeout(20);
      assert.ok(emptyPolls >= 2, `the grid polled ${emptyPolls} times while scanning`);
      scanOver = true;
      await page.getByTestId('dataset-status').getByText('Ready').waitFor();
      await page.waitForFunction(() => document.querySelectorAll('.sample-cell .thumb-sheet').length === 3, undefined, { timeout: 10_000 });
    } finally {
      await page.unroute(isDataset);
      await page.unroute(isSamples);
    }
  });
});
