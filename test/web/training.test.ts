// The console's training pages in Chromium against a real Atelier: the algorithms list, a job created
// from the form (flavors and engines from the API) with the logistic-regression example's algorithm,
// its log lines appearing live on the job's page with the CPU and memory charts, then delete.
// Screenshots go to .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { BUCKET, CPU1, PY_ENGINE, putCode, putObject } from '../training-jobs/helpers.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();
const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'logistic-regression');

describe('console training pages in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let jobUrl = '';

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    putObject(t, 'lr/code/train.py', readFileSync(join(EXAMPLE, 'train.py')));
    putObject(t, 'lr/data/data.csv', execFileSync('python3', [join(EXAMPLE, 'make_data.py'), '400']));
    await t.client.training.createAlgorithm({
      metadata: { name: 'logistic-regression', description: 'examples/logistic-regression' },
      job_config: {
        code_dir: `/${BUCKET}/lr/code/`,
        boot_file: `/${BUCKET}/lr/code/train.py`,
        engine: { engine_id: PY_ENGINE },
        parameters_customization: true,
        inputs: [{ name: 'data_url', description: 'the CSV folder' }],
        outputs: [{ name: 'train_url', description: 'where the model goes' }],
      },
    });
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

  const record = (name: string) => recordPage(page, name);

  test('the algorithms page lists the algorithm, with a link to train with it', async () => {
    await page.getByRole('link', { name: 'Algorithms' }).click();
    await page.waitForURL(/\/algorithms$/);
    await page.getByRole('row', { name: /logistic-regression/ }).waitFor();
    await record('algorithms');
    await page
      .getByRole('row', { name: /logistic-regression/ })
      .getByRole('link', { name: 'Train with it' })
      .click();
    await page.waitForURL(/\/training-jobs\/new\?algorithm=/);
  });

  test('the form offers the API flavors; a bad name shows the error_msg; a good job opens its page', async () => {
    const flavors = await t.client.training.flavors();
    await page.getByLabel('Flavor').locator('option').first().waitFor({ state: 'attached' });
    const offered = await page.getByLabel('Flavor').locator('option').allTextContents();
    assert.deepEqual(
      offered,
      flavors.flavors.map((f) => f.flavor_name),
    );
    await page.getByLabel('Algorithm').locator('option', { hasText: 'logistic-regression' }).waitFor({ state: 'attached' });
    assert.equal(await page.getByLabel('Algorithm').inputValue(), (await t.client.training.listAlgorithms({})).items[0]!.metadata.id);
    await page.getByRole('textbox', { name: /^Name/ }).fill('bad name!');
    await page.getByLabel('Input data (data_url)').fill(`/${BUCKET}/lr/data/`);
    await page.getByLabel('Output (train_url)').fill(`/${BUCKET}/lr/output/`);
    await page.getByLabel('Parameters').fill('learning_rate=0.5\nepochs=150');
    await page.getByRole('button', { name: 'Create' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /name/);
    await record('training-job-create');
    await page.getByRole('textbox', { name: /^Name/ }).fill('lr-from-console');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/training-jobs\/[0-9a-f-]{36}$/);
    jobUrl = page.url();
  });

  test("the job's page tails its log live until it completes, with CPU and memory charts", async () => {
    const log = page.getByTestId('job-log');
    await page.waitForFunction(() => /epoch \d+: loss=/.test(document.querySelector('[data-testid="job-log"]')?.textContent ?? ''), null, { timeout: 60_000 });
    await page.getByTestId('job-phase').getByText('Completed').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => /final: loss=/.test(document.querySelector('[data-testid="job-log"]')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.match(await log.innerText(), /epoch \d+: loss=/);
    await page.getByRole('img', { name: /^CPU/ }).waitFor();
    await page.getByRole('img', { name: /^Memory/ }).waitFor();
    await record('training-job-detail');
    await page.goto(jobUrl.replace(/\/[^/]+$/, ''));
    await page.getByRole('row', { name: /lr-from-console.*Completed/ }).waitFor();
    await record('training-jobs');
  });

  test('delete removes the job; its URL then shows not found', async () => {
    await page.goto(jobUrl);
    await page.getByTestId('job-phase').getByText('Completed').waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/training-jobs$/);
    await page.goto(jobUrl);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });

  test('stop ends a running job: its phase turns Terminated on the page', async () => {
    const code = putCode(t, 'sleeper', 'sleep.py', 'import time\nprint("sleeping", flush=True)\ntime.sleep(600)\n');
    const job = await t.client.training.createJob({
      metadata: { name: 'sleeper' },
      algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: CPU1, node_count: 1 } },
    });
    await page.goto(`${t.url}/projects/${t.creds.project_id}/training-jobs/${job.metadata.id}`);
    await page
      .getByTestId('job-log')
      .getByText(/sleeping/)
      .waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page
      .getByTestId('job-phase')
      .getByText(/Terminat/)
      .waitFor();
    await page
      .getByTestId('job-phase')
      .getByText(/^Terminated/)
      .waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('button', { name: 'Delete' }).isEnabled(), true, 'an ended job can be deleted');
  });
});
