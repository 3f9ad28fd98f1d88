// The labeling workbench in a real Chromium against a real Atelier: image classification by number
// keys, object detection by dragging boxes (drawn, resized from a handle, moved and clamped at the
// image's edge), a polygon by clicks, a named-entity span from a text selection, text classification,
// undo and redo, and accepting labels left by auto labeling. Each save is read back through the API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset } from '../samples/fixtures.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage, workbenchCanvas } from './browser.ts';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const picture = (width: number, height: number, r: number) =>
  sharp({ create: { width, height, channels: 3, background: { r, g: 120, b: 80 } } })
    .png()
    .toBuffer();

describe('labeling workbench in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(/\/datasets$/);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const open = async (datasetId: string) => {
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${datasetId}`);
    await page.getByRole('link', { name: 'Label samples in the workbench' }).click();
    await page.waitForURL(/\/label\?.*sample=/);
    await page.getByTestId('sample-name').waitFor();
  };
  const sampleOfUrl = () => new URL(page.url()).searchParams.get('sample')!;
  // Exactly "Saved": a substring match would take "Unsaved changes" (shown until the save answers) for it.
  const saved = () =>
    page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();

  test('image classification: number keys pick labels, Ctrl+S saves, save-and-next moves on, undo and redo', async () => {
    const files: Record<string, Buffer> = { 'a.png': await picture(64, 48, 30), 'b.png': await picture(64, 48, 200) };
    const ds = (await createDataset(t, { type: 0, files, labels: [{ name: 'cat' }, { name: 'dog' }] })).id;
    await open(ds);
    const first = sampleOfUrl();
    await page.keyboard.press('1');
    assert.equal(await page.getByTestId('tags').innerText(), 'cat');
    await page.keyboard.press('2');
    assert.equal(await page.getByTestId('tags').innerText(), 'dog', 'one label per sample: dog replaces cat');
    await page.keyboard.press('Control+z');
    assert.equal(await page.getByTestId('tags').innerText(), 'cat');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await page.getByTestId('tags').innerText(), 'dog');
    await page.keyboard.press('Control+z');
    await page.getByText('Unsaved changes').waitFor();
    await recordPage(page, 'workbench-classification');
    await page.keyboard.press('Control+s');
    await saved();
    const s1 = await t.client.samples.describe(ds, first);
    assert.deepEqual(
      s1.labels.map((l) => [l.name, l.type]),
      [['cat', 0]],
    );
    assert.equal(s1.sample_status, 'MANUAL_ANNOTATION');

    await page.getByLabel('Several labels per sample').check();
    await page.keyboard.press('2');
    assert.equal(await page.getByTestId('tags').innerText(), 'cat, dog');
    const firstName = await page.getByTestId('sample-name').innerText();
    await page.keyboard.press('Control+Enter');
    await page.waitForURL((u) => u.searchParams.get('sample') !== first);
    await page.waitForFunction((name) => {
      const shown = document.querySelector('[data-testid="sample-name"]')?.textContent;
      return shown && shown !== name;
    }, firstName);
    const second = sampleOfUrl();
    assert.equal(new URL(page.url()).searchParams.get('at'), '1');
    assert.deepEqual(
      (await t.client.samples.describe(ds, first)).labels.map((l) => l.name),
      ['cat', 'dog'],
    );
    // Unsaved edits are not dropped silently: leaving asks, and a refusal keeps the sample.
    await page.keyboard.press('2');
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByText('Unsaved changes').waitFor();
    assert.equal(sampleOfUrl(), second);
    page.once('dialog', (d) => void d.accept());
    await page.keyboard.press('a');
    await page.waitForURL((u) => u.searchParams.get('sample') === first);
    assert.deepEqual((await t.client.samples.describe(ds, second)).labels, [], 'the dropped edit was not saved');
    // The browser's Back and Forward ask too: a refusal keeps the sample, its address and its edits.
    await page.keyboard.press('Control+Enter');
    await page.waitForURL((u) => u.searchParams.get('sample') === second);
    await page.getByTestId('sample-name').filter({ hasNotText: firstName }).waitFor();
    await page.keyboard.press('1');
    await page.getByText('Unsaved changes').waitFor();
    const answer = (accept: boolean) =>
      new Promise<string>((resolve) =>
        page.once('dialog', (d) => {
          resolve(d.message());
          void (accept ? d.accept() : d.dismiss());
        }),
      );
    let question = answer(false);
    await page.evaluate(() => history.back());
    assert.match(await question, /unsaved labels/);
    await page.waitForURL((u) => u.searchParams.get('sample') === second);
    await page.getByText('Unsaved changes').waitFor();
    assert.equal(await page.getByTestId('tags').innerText(), 'cat', 'refused: the edit is still there');
    question = answer(true);
    await page.evaluate(() => history.back());
    await question;
    await page.waitForURL((u) => u.searchParams.get('sample') === first);
    await page.getByTestId('sample-name').filter({ hasText: firstName }).waitFor();
    assert.deepEqual((await t.client.samples.describe(ds, second)).labels, [], 'the edit left by Back was not saved');
    // Forward asks the same way.
    await page.keyboard.press('1');
    await page.getByText('Unsaved changes').waitFor();
    question = answer(false);
    await page.evaluate(() => history.forward());
    assert.match(await question, /unsaved labels/);
    await page.waitForURL((u) => u.searchParams.get('sample') === first);
    await page.getByText('Unsaved changes').waitFor();
    // The edit left here is dropped by the next test's page load, which asks the browser's question.
    page.once('dialog', (d) => void d.accept());
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await recordPage(page, 'workbench-help');
  });

  test('object detection: boxes drawn, resized, moved and clamped; a polygon by clicks; each shape with its label', async () => {
    const ds = (await createDataset(t, { type: 1, files: { 'street.png': await picture(400, 300, 90) }, labels: [{ name: 'car' }, { name: 'person' }] })).id;
    await open(ds);
    const id = sampleOfUrl();
    const { canvas, at, drag } = workbenchCanvas(page, 400);
    await canvas.waitFor();
    const shapes = () => t.client.samples.describe(ds, id).then((s) => s.labels.map((l) => [l.name, l.type, l.property]));

    await drag([50, 40], [150, 120]);
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual(await shapes(), [
      [
        'car',
        1,
        {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [50, 40],
            [150, 120],
          ],
        },
      ],
    ]);

    await page.keyboard.press('v');
    await drag([150, 120], [180, 140]); // the lower right handle of the selected box
    await drag([100, 80], [110, 85]); // its body
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual(await shapes(), [
      [
        'car',
        1,
        {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [60, 45],
            [190, 145],
          ],
        },
      ],
    ]);

    await drag([100, 100], [-100, 100]); // past the left edge: the box stops there
    await page.keyboard.press('p');
    const corners: [number, number][] = [
      [250, 50],
      [350, 50],
      [300, 150],
    ];
    for (const [x, y] of corners) await page.mouse.click(...(await at(x, y)));
    await page.keyboard.press('Enter');
    await page.keyboard.press('2'); // the new polygon is selected: it becomes a person
    await page.keyboard.press('r');
    await drag([10, 200], [60, 260]);
    await page.getByTestId('shapes').getByRole('listitem').nth(2).waitFor();
    await page.keyboard.press('Delete'); // the box just drawn is selected
    await page.keyboard.press('Control+z');
    assert.equal(await page.getByTestId('shapes').getByRole('listitem').count(), 3, 'undo brings the deleted box back');
    await page.keyboard.press('Control+z');
    assert.equal(await page.getByTestId('shapes').getByRole('listitem').count(), 2, 'and then undoes its drawing');
    await recordPage(page, 'workbench-detection');
    await page.emulateMedia({ colorScheme: 'dark' });
    await recordPage(page, 'workbench-detection-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual(await shapes(), [
      [
        'car',
        1,
        {
          '@modelarts:shape': 'bndbox',
          '@modelarts:feature': [
            [0, 45],
            [130, 145],
          ],
        },
      ],
      [
        'person',
        1,
        {
          '@modelarts:shape': 'polygon',
          '@modelarts:feature': [
            [250, 50],
            [350, 50],
            [300, 150],
          ],
        },
      ],
    ]);

    // Keyboard only: a shape picked from the list, moved by arrow keys (Shift: 10 px), relabeled by its key;
    // a polygon in progress is dropped by Escape.
    await page.getByRole('button', { name: 'Box 1' }).click();
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('2');
    await page.keyboard.press('p');
    await page.mouse.click(...(await at(20, 250)));
    await page.getByText('1 points').waitFor();
    await page.keyboard.press('Escape');
    await page.getByText('Click each point of the polygon.').waitFor();
    await page.keyboard.press('Control+s');
    await saved();
    const [moved] = await shapes();
    assert.deepEqual(moved, [
      'person',
      1,
      {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [1, 55],
          [131, 155],
        ],
      },
    ]);

    // Drawn from the keyboard alone: with the box tool, Enter places a box of the chosen label in the
    // middle of the image (400 x 300: 100 x 75 at 150, 113); Ctrl+arrows resize it and arrows move it.
    await page.keyboard.press('Escape');
    await page.keyboard.press('1');
    await page.keyboard.press('r');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Shift+ArrowRight');
    await page.keyboard.press('Control+ArrowDown');
    await page.keyboard.press('Control+ArrowDown');
    await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('ArrowUp');
    await page.getByText('Unsaved changes').waitFor();
    await recordPage(page, 'workbench-keyboard-box');
    await page.keyboard.press('Control+s');
    await saved();
    const keyed = (await shapes()).find((s) => s[0] === 'car');
    assert.deepEqual(keyed, [
      'car',
      1,
      {
        '@modelarts:shape': 'bndbox',
        '@modelarts:feature': [
          [140, 112],
          [250, 189],
        ],
      },
    ]);
  });

  test('named entities: a text selection labeled by its number key; text classification', async () => {
    const ner = (await createDataset(t, { type: 101, files: { 't.txt': 'Hope is the thing with feathers' }, labels: [{ name: 'Thing', type: 101 }] })).id;
    await open(ner);
    const id = sampleOfUrl();
    await page.getByTestId('sample-text').waitFor();
    await page.evaluate(() => {
      const run = document.querySelector('[data-testid="sample-text"] [data-start="0"]')!.firstChild!;
      const range = document.createRange();
      range.setStart(run, 12);
      range.setEnd(run, 17);
      document.getSelection()!.removeAllRanges();
      document.getSelection()!.addRange(range);
    });
    await page.getByText('Selected characters 12–17').waitFor();
    await page.keyboard.press('1');
    await page.locator('mark[data-label="Thing"]', { hasText: 'thing' }).waitFor();
    await recordPage(page, 'workbench-ner');
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual(
      (await t.client.samples.describe(ner, id)).labels.map((l) => [l.name, l.type, l.property]),
      [['Thing', 101, { '@modelarts:start_index': 12, '@modelarts:end_index': 17 }]],
    );
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual((await t.client.samples.describe(ner, id)).labels, []);

    const tc = (
      await createDataset(t, {
        type: 100,
        files: { 'a.txt': 'a fine day\na grey day\n' },
        labels: [
          { name: 'good', type: 100 },
          { name: 'bad', type: 100 },
        ],
      })
    ).id;
    await open(tc);
    const firstText = await page.getByTestId('sample-text').innerText();
    assert.ok(['a fine day', 'a grey day'].includes(firstText), firstText);
    await page.getByRole('button', { name: /good/ }).click();
    await page.getByRole('button', { name: /bad/ }).click();
    await page.keyboard.press('Control+z');
    assert.equal(await page.getByTestId('tags').innerText(), 'good');
    await page.keyboard.press('Control+Shift+z');
    await page.keyboard.press('Control+s');
    await saved();
    assert.deepEqual(
      (await t.client.samples.describe(tc, sampleOfUrl())).labels.map((l) => [l.name, l.type]),
      [['bad', 100]],
    );

    // A refusal shows the API's error_msg: here the next sample is deleted while it is open.
    await page.keyboard.press('d');
    await page
      .getByTestId('sample-text')
      .filter({ hasText: firstText === 'a fine day' ? 'a grey day' : 'a fine day' })
      .waitFor();
    const doomed = sampleOfUrl();
    await t.client.samples.delete(tc, { samples: [doomed] });
    await page.keyboard.press('1');
    await page.keyboard.press('Control+s');
    const refused = await t.client.http.call<{ results?: { error_msg?: string }[] }>('PUT', '/v2/{project_id}/datasets/{dataset_id}/data-annotations/samples', {
      params: { dataset_id: tc },
      body: { samples: [{ sample_id: doomed, labels: [{ name: 'good', type: 100 }] }] },
    });
    const msg = refused.results?.[0]?.error_msg;
    assert.ok(msg);
    assert.equal(await page.getByRole('alert').innerText(), msg);
    await page.keyboard.press('Control+z');
    await page.getByText('All changes saved').waitFor();
  });

  test('labels left by auto labeling are shown and accepted as confirmed', async () => {
    const ds = (await createDataset(t, { type: 1, labels: [{ name: 'car' }] })).id;
    const png = (await picture(120, 90, 10)).toString('base64');
    const feature = [
      [5, 6],
      [70, 80],
    ];
    const up = await t.client.samples.upload(ds, {
      final_annotation: false,
      samples: [
        { name: 'auto.png', data: png, labels: [{ name: 'car', score: 0.7, property: { '@modelarts:shape': 'bndbox', '@modelarts:feature': feature } }] },
      ],
    });
    const id = up.results![0]!.info!;
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${ds}/label?state=__AUTO_ANNOTATION__`);
    await page.getByText('proposed by auto labeling').waitFor();
    assert.equal(sampleOfUrl(), id);
    assert.equal(await page.getByTestId('shapes').getByRole('listitem').count(), 1);
    await recordPage(page, 'workbench-auto');
    await page.getByRole('button', { name: 'Accept labels' }).click();
    await saved();
    const s = await t.client.samples.describe(ds, id);
    assert.equal(s.sample_status, 'MANUAL_ANNOTATION');
    assert.deepEqual(
      s.labels.map((l) => [l.name, l.type, l.score, l.property]),
      [['car', 1, 0.7, { '@modelarts:shape': 'bndbox', '@modelarts:feature': feature }]],
    );
    await page.getByText('proposed by auto labeling').waitFor({ state: 'detached' });
  });
});
