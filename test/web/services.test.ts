// The console's models and services pages in Chromium against a real Atelier: import the ONNX example
// (examples/models/onnx-linear) from its OBS folder, deploy it as a real-time service, get a prediction
// in the predict panel, read the monitor, events and update logs, delete. Screenshots go to
// .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { eventually, examplePackage, importModel, putPackage } from '../models/fixtures.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();

describe('console models and services pages in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let source = '';
  let serviceUrl = '';

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    source = await putPackage(t, 'console-models', 'linear-v1', examplePackage('onnx-linear'));
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

  test('import a model from its OBS folder; a missing folder shows the error_msg; the list follows it to published', async () => {
    await page.getByRole('link', { name: 'Models' }).click();
    await page.waitForURL(/\/models$/);
    await page.getByText('No models yet in this project.').waitFor();
    await page.getByRole('textbox', { name: /^Name/ }).fill('linear');
    await page.getByLabel('Model folder').fill('/console-models/no-such-folder/');
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Model folder').fill(source);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('row', { name: /linear.*published/ }).waitFor({ timeout: 60_000 });
    await record('models');
    await page
      .getByRole('row', { name: /linear/ })
      .getByRole('link', { name: 'Deploy' })
      .click();
    await page.waitForURL(/\/services\/new\?model=/);
  });

  test('deploy it as a real-time service and get a prediction in the predict panel', async () => {
    await page.getByLabel('Specification').locator('option').first().waitFor({ state: 'attached' });
    await page.getByRole('textbox', { name: /^Name/ }).fill('linear-svc');
    await record('service-create');
    await page.getByRole('button', { name: 'Deploy' }).click();
    await page.waitForURL(/\/services\/[0-9a-f-]{36}$/);
    serviceUrl = page.url();
    await page.getByTestId('service-status').getByText('running').waitFor({ timeout: 90_000 });
    await page.getByLabel('Request body').fill(JSON.stringify({ x: [[0.9, 0.1]] }));
    await page.getByRole('button', { name: 'Send' }).click();
    const answer = page.getByTestId('predict-answer');
    await answer.waitFor();
    const body = JSON.parse(await answer.innerText()) as { label: number[] };
    assert.deepEqual(body.label, [1]);
    await record('service-predict');
    await page.getByLabel('Request body').fill('{not json');
    await page.getByRole('button', { name: 'Send' }).click();
    await page
      .getByRole('alert')
      .getByText(/not JSON/)
      .waitFor();
  });

  test('the monitor counts the call; events and update logs are listed; each tab has its URL', async () => {
    await page.getByRole('link', { name: 'Monitor' }).click();
    await page.waitForURL(/\?tab=monitor$/);
    await page.getByRole('row', { name: /linear/ }).waitFor();
    await record('service-monitor');
    await page.getByRole('link', { name: 'Events' }).click();
    await page.waitForURL(/\?tab=events$/);
    await page.locator('tbody tr').first().waitFor();
    await record('service-events');
    await page.getByRole('link', { name: 'Update logs' }).click();
    await page.waitForURL(/\?tab=updates$/);
    await page
      .locator('main')
      .getByText(/No updates yet|linear/)
      .first()
      .waitFor();
    await record('service-update-logs');
    await page.goto(`${t.url}${new URL(serviceUrl).pathname.replace(/\/[^/]+$/, '')}`);
    await page.getByRole('row', { name: /linear-svc.*running/ }).waitFor();
    await record('services');
  });

  test('delete removes the service; its URL then shows not found', async () => {
    await page.goto(serviceUrl);
    await page.getByTestId('service-status').waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/services$/);
    await page.goto(serviceUrl);
    await page.getByRole('heading', { name: 'Not found' }).waitFor({ timeout: 30_000 });
  });

  test('the predict panel sends a file as multipart form data (examples/models/py-threshold reads rows from it)', async () => {
    const pkg = await putPackage(t, 'console-models', 'threshold', examplePackage('py-threshold'));
    const model_id = await importModel(t.client, pkg, 'threshold', '1.0.0', 'Scikit_Learn');
    const { service_id } = await t.client.services.create({
      service_name: 'threshold-svc',
      infer_type: 'real-time',
      config: [{ model_id, weight: 100, instance_count: 1, specification: 'custom', custom_spec: { cpu: 0.1, memory: 128 } }],
    });
    await eventually('running', async () => ((await t.client.services.show(service_id)).status === 'running' ? true : undefined), 60_000);
    const dir = mkdtempSync(join(tmpdir(), 'console2-rows-'));
    try {
      const file = join(dir, 'rows.json');
      writeFileSync(file, JSON.stringify([{ petal_length: 1.4 }, { petal_length: 4.7 }]));
      await page.goto(`${t.url}/projects/${t.creds.project_id}/services/${service_id}`);
      await page.getByTestId('service-status').getByText('running').waitFor();
      await page.getByRole('radio', { name: 'A file' }).check();
      await page.getByLabel('File', { exact: true }).setInputFiles(file);
      await page.getByRole('button', { name: 'Send' }).click();
      const answer = page.getByTestId('predict-answer');
      await answer.waitFor({ timeout: 30_000 });
      const body = JSON.parse(await answer.innerText()) as { data: { resp_data: Array<{ predict_result: string }> } };
      assert.deepEqual(
        body.data.resp_data.map((r) => r.predict_result),
        ['Iris-setosa', 'Iris-versicolor'],
      );
      await record('service-predict-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
