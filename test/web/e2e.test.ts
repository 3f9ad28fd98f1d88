// The console's end-to-end path in Chromium against one real Atelier, each step through the UI and
// handing its result to the next: sign in; datasets from a folder of images; three images labeled by
// clicks (an image classification dataset) and one box drawn (an object detection dataset of the same
// folder: the classification workbench has no shapes); a version published; a training job from the
// example algorithm with its log live; the job's output imported as a model, deployed, and a prediction
// in the predict panel; a token past its expiry; sign out. The API is used only to put files into the
// object store, to register the example algorithm, and to check what the pages did. A wrong password,
// another project's id in a URL and a token the server refuses are covered by console.test.ts.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { PY_ENGINE, putObject } from '../training-jobs/helpers.ts';
import { trainingExample } from './e2e-example.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage, screenshot, workbenchCanvas } from './browser.ts';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const BUCKET = 'e2e-obs';
const COLOURS = { 'red.png': [200, 40, 40], 'green.png': [40, 160, 60], 'blue.png': [40, 80, 200] } as const;
type ImageName = keyof typeof COLOURS;

const picture = ([r, g, b]: readonly [number, number, number]) =>
  sharp({ create: { width: 160, height: 120, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

describe('console end to end in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let projectUrl = '';
  const datasets = { classification: '', detection: '' };
  let jobId = '';

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    for (const [name, rgb] of Object.entries(COLOURS)) putObject(t, `photos/${name}`, await picture(rgb), BUCKET);
    const example = trainingExample();
    for (const [file, body] of Object.entries(example.code)) putObject(t, `lr/code/${file}`, body, BUCKET);
    putObject(t, 'lr/data/data.csv', example.data, BUCKET);
    await t.client.training.createAlgorithm({
      metadata: { name: 'logistic-regression', description: 'examples/logistic-regression, packed as a model' },
      job_config: {
        code_dir: `/${BUCKET}/lr/code/`,
        boot_file: `/${BUCKET}/lr/code/package.py`,
        engine: { engine_id: PY_ENGINE },
        parameters_customization: true,
        inputs: [{ name: 'data_url', description: 'the CSV folder' }],
        outputs: [{ name: 'train_url', description: 'where the model package goes' }],
      },
    });
    browser = await openBrowser();
    page = browser.page;
    projectUrl = `${t.url}/projects/${t.creds.project_id}`;
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  // A step that failed leaves the page as it was then, and the page's uncaught errors, for its report.
  const pageErrors: string[] = [];
  let step = 0;
  afterEach(async () => {
    step++;
    await screenshot(page, `e2e-after-step-${step}`);
    if (pageErrors.length > 0) console.log(`# page errors: ${pageErrors.splice(0).join(' | ')}`);
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const record = (name: string) => recordPage(page, `e2e-${name}`);
  /** Waits until the job page's log tail holds a line matching; a timeout names the job's phase and the log shown. */
  const logShows = async (line: RegExp, timeout: number) => {
    try {
      await page.waitForFunction((src) => new RegExp(src).test(document.querySelector('[data-testid="job-log"]')?.textContent ?? ''), line.source, { timeout });
    } catch (e) {
      const job = await t.client.training.getJob(jobId);
      const shown = await page.evaluate(() => document.querySelector('[data-testid="job-log"]')?.textContent ?? '(no log on the page)');
      throw new Error(`${line} not in the log: job ${job.status.phase}, page shows ${JSON.stringify(shown.slice(-400))}`, { cause: e });
    }
  };
  // Exactly "Saved": a substring match would take "Unsaved changes" (shown until the save answers) for it.
  const saved = () =>
    page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();

  test('1. sign in', async () => {
    await page.goto(t.url + '/');
    await page.waitForURL(/\/sign-in$/);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(`${projectUrl}/datasets`);
    await page.getByText('No datasets yet in this project.').waitFor();
    await record('signed-in');
  });

  /** Creates a dataset of the folder through the form; returns its id once its scan is done (and, if asked, its thumbnails shown). */
  const createDataset = async (name: string, type: string, thumbnails: boolean): Promise<string> => {
    await page.getByRole('link', { name: 'Datasets', exact: true }).click();
    await page.getByRole('link', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'Create a dataset' }).waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill(name);
    await page.getByLabel('Type').selectOption({ label: type });
    await page.getByLabel('Input folder').fill(`/${BUCKET}/photos/`);
    await page.getByLabel('Output folder').fill(`/${BUCKET}/${name}/`);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/datasets\/(?!new$)[^/]+$/);
    await page.getByTestId('dataset-status').getByText('Ready').waitFor({ timeout: 20_000 });
    if (thumbnails)
      // Each thumbnail a tile of the grid's thumbnail sheet, shown once the sheet is decoded.
      await page.waitForFunction(() => document.querySelectorAll('.sample-cell .thumb-sheet').length === 3);
    return new URL(page.url()).pathname.split('/').pop()!;
  };

  test('2. create datasets from a folder of images: one for classification, one for detection', async () => {
    datasets.classification = await createDataset('colours', 'Image classification', true);
    await record('dataset-classification');
    datasets.detection = await createDataset('shapes', 'Object detection', false);
    await page.getByRole('link', { name: '← Datasets' }).click();
    await page
      .getByRole('row', { name: /colours/ })
      .filter({ hasText: '0 labeled of 3' })
      .waitFor();
    await page
      .getByRole('row', { name: /shapes/ })
      .filter({ hasText: '0 labeled of 3' })
      .waitFor();
    await record('datasets');
  });

  test('3. label three images by clicking, and draw one box', async () => {
    await page.goto(`${projectUrl}/datasets/${datasets.classification}`);
    await page.getByRole('link', { name: 'Label samples in the workbench' }).click();
    await page.waitForURL(/\/label\?.*sample=/);
    const labels = page.getByRole('group', { name: 'Labels' });
    for (let i = 0; i < 3; i++) {
      const name = (await page.getByTestId('sample-name').innerText()) as ImageName;
      const label = name.replace('.png', '');
      assert.ok(name in COLOURS, name);
      // The dataset starts with no labels: each image's colour is added, then clicked.
      await page.getByLabel('New label').fill(label);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await labels.getByRole('button', { name: new RegExp(`^\\d? ?${label}$`) }).click();
      assert.equal(await page.getByTestId('tags').innerText(), label);
      if (i === 0) await record('label-click');
      if (i < 2) {
        await page.getByRole('button', { name: 'Save and next' }).click();
        await page.waitForFunction((shown) => {
          const now = document.querySelector('[data-testid="sample-name"]')?.textContent;
          return now && now !== shown;
        }, name);
      } else {
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await saved();
      }
    }
    const { samples } = await t.client.samples.list(datasets.classification, { offset: 0, limit: 10 });
    assert.deepEqual(samples!.map((s) => [s.sample_name, s.labels?.map((l) => l.name)]).sort(), [
      ['blue.png', ['blue']],
      ['green.png', ['green']],
      ['red.png', ['red']],
    ]);

    await page.goto(`${projectUrl}/datasets/${datasets.detection}`);
    await page.getByRole('link', { name: 'Label samples in the workbench' }).click();
    await page.waitForURL(/\/label\?.*sample=/);
    const sampleId = new URL(page.url()).searchParams.get('sample')!;
    await page.getByLabel('New label').fill('square');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const { canvas, drag } = workbenchCanvas(page, 160);
    await canvas.waitFor();
    await drag([20, 30], [100, 90]);
    await page.getByTestId('shapes').getByRole('listitem').first().waitFor();
    await record('label-box');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await saved();
    const sample = await t.client.samples.describe(datasets.detection, sampleId);
    assert.deepEqual(
      sample.labels.map((l) => [l.name, l.property]),
      [
        [
          'square',
          {
            '@modelarts:shape': 'bndbox',
            '@modelarts:feature': [
              [20, 30],
              [100, 90],
            ],
          },
        ],
      ],
    );
  });

  test('4. publish a version of the labeled dataset', async () => {
    await page.goto(`${projectUrl}/datasets/${datasets.classification}`);
    await page.getByRole('link', { name: 'Versions' }).click();
    await page.waitForURL(/\?tab=versions$/);
    await page.getByRole('button', { name: 'Publish' }).click();
    const row = page.getByRole('row', { name: /V001/ });
    await row.locator('td code').waitFor({ timeout: 20_000 });
    assert.match(await row.innerText(), /V001\s+Published\s+3\s+\/e2e-obs\/colours\/.*\.manifest/);
    await record('version');
    const { versions } = await t.client.datasets.listVersions(datasets.classification, {});
    assert.equal(versions?.[0]?.annotated_sample_count, 3);
  });

  test('5. a training job from the example algorithm, its log lines appearing live', async () => {
    await page.getByRole('link', { name: 'Algorithms' }).click();
    await page
      .getByRole('row', { name: /logistic-regression/ })
      .getByRole('link', { name: 'Train with it' })
      .click();
    await page.waitForURL(/\/training-jobs\/new\?algorithm=/);
    await page.getByLabel('Algorithm').locator('option', { hasText: 'logistic-regression' }).waitFor({ state: 'attached' });
    await page.getByLabel('Flavor').locator('option').first().waitFor({ state: 'attached' });
    await page.getByRole('textbox', { name: /^Name/ }).fill('lr-e2e');
    await page.getByLabel('Input data (data_url)').fill(`/${BUCKET}/lr/data/`);
    await page.getByLabel('Output (train_url)').fill(`/${BUCKET}/lr/output/`);
    await page.getByLabel('Parameters').fill('learning_rate=0.5\nepochs=100');
    await record('training-create');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/training-jobs\/[0-9a-f-]{36}$/);
    jobId = new URL(page.url()).pathname.split('/').pop()!;
    await logShows(/epoch \d+: loss=/, 60_000);
    await page.getByTestId('job-phase').getByText('Completed').waitFor({ timeout: 60_000 });
    await logShows(/model package written/, 10_000);
    await record('training-job');
  });

  test("6. import the job's model, deploy it, and get a prediction in the predict panel", async () => {
    const output = `/${BUCKET}/lr/output/`;
    await page.getByRole('link', { name: 'Models' }).click();
    await page.waitForURL(/\/models$/);
    await page.getByRole('textbox', { name: /^Name/ }).fill('lr-model');
    await page.getByLabel('Type').selectOption('Scikit_Learn');
    await page.getByLabel('Model folder').fill(output);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('row', { name: /lr-model.*published/ }).waitFor({ timeout: 60_000 });
    await record('models');
    const { models } = await t.client.models.list({});
    assert.equal(models.length, 1);
    const model = await t.client.models.show(models[0]!.model_id);
    assert.equal(model.source_location, output, "the model is the training job's output");
    assert.equal((await t.client.training.getJob(jobId)).status.phase, 'Completed');

    await page
      .getByRole('row', { name: /lr-model/ })
      .getByRole('link', { name: 'Deploy' })
      .click();
    await page.waitForURL(/\/services\/new\?model=/);
    await page.getByLabel('Specification').locator('option').first().waitFor({ state: 'attached' });
    await page.getByRole('textbox', { name: /^Name/ }).fill('lr-svc');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
    await page.getByTestId('service-status').getByText('running').waitFor({ timeout: 90_000 });
    const rows = [
      { x1: 2, x2: -1 },
      { x1: -2, x2: 1 },
    ];
    await page.getByLabel('Request body').fill(JSON.stringify({ data: { req_data: rows } }));
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('predict-answer');
    await answer.waitFor({ timeout: 30_000 });
    const body = JSON.parse(await answer.innerText()) as { data: { resp_data: Array<{ predict_result: number; probability: number }> } };
    assert.deepEqual(
      body.data.resp_data.map((r) => r.predict_result),
      [1, 0],
    );
    assert.ok(body.data.resp_data[0]!.probability > 0.9 && body.data.resp_data[1]!.probability < 0.1, JSON.stringify(body));
    await record('predict');
  });

  test("a token past its expiry (the browser's clock a day on) asks for a sign-in, which leads back to the page", async () => {
    // console.test.ts covers a token the server refuses; this is the console's own check of expires_at.
    const servicePage = page.url();
    await page.clock.setFixedTime(Date.now() + 25 * 3600_000);
    await page.getByRole('link', { name: 'Models' }).click();
    await page.waitForURL(/\/sign-in\?expired=1&next=/);
    await page.getByText('Your session ended or was refused').waitFor();
    await record('expired');
    await page.clock.setFixedTime(Date.now());
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(`${projectUrl}/models`);
    await page.getByRole('row', { name: /lr-model/ }).waitFor();
    await page.goto(servicePage);
    await page.getByTestId('service-status').getByText('running').waitFor();
  });

  test('7. sign out', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.goto(`${projectUrl}/models`);
    await page.waitForURL(/\/sign-in\?next=/);
    await record('signed-out');
  });
});
