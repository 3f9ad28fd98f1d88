// The console's notebook pages in Chromium against a real Atelier with the Jupyter runtime: an
// instance created from the form (images, flavors and a dedicated pool from the API), seen Starting
// then Running on its page, opened in a new tab where Jupyter answers through the proxy, its lease
// renewed, stopped, started again and deleted. Each action is checked through the API.
// Screenshots go to .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { FLAVOR, builtInImage, notebookEnv, waitGone } from '../notebooks/helpers.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();

describe('console notebook pages in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let notebookUrl = '';
  let id = '';
  let poolName = '';

  before(async () => {
    buildConsole();
    t = await startTestApp(await notebookEnv({ ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' }));
    const net = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'nb-net' } },
      spec: { cidr: '192.168.0.0/24' },
    });
    const pool = await t.client.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'nb-pool' } },
      spec: { type: 'Dedicate', scope: ['Notebook'], network: { name: net.metadata.name }, resources: [{ flavor: FLAVOR, count: '1' }] },
    });
    poolName = pool.metadata.name;
    browser = await openBrowser();
    page = browser.page;
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(/\/datasets$/);
  });
  after(async () => {
    if (id) await t.client.notebooks.delete(id).catch(() => undefined);
    await browser?.close();
    await t?.close();
  });

  const status = () => page.getByTestId('notebook-status');

  test('the form offers the API images and flavors; a bad name shows the error_msg; a good one opens its page', async () => {
    await page.getByRole('link', { name: 'Notebooks' }).click();
    await page.waitForURL(/\/notebooks$/);
    await page.getByText('No notebook instances yet').waitFor();
    await page.getByRole('link', { name: 'Create notebook' }).click();
    await page.waitForURL(/\/notebooks\/new$/);
    const flavors = (await t.client.notebooks.flavors({ limit: 100 })).flavors.map((f) => f.id);
    await page.getByLabel('Flavor').locator('option').first().waitFor({ state: 'attached' });
    assert.deepEqual(
      await page
        .getByLabel('Flavor')
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
      flavors,
    );
    const image = builtInImage();
    await page.getByLabel('Image').locator(`option[value="${image.id}"]`).waitFor({ state: 'attached' });
    await page.getByLabel('Image').selectOption(image.id);
    await page.getByLabel('Flavor').selectOption(FLAVOR);
    await page.getByLabel('Runs in').locator(`option[value="${poolName}"]`).waitFor({ state: 'attached' });
    assert.deepEqual(await page.getByLabel('Runs in').locator('option').allTextContents(), ['The shared pool', 'Dedicated pool nb-pool']);
    await page.getByLabel('Runs in').selectOption(poolName);
    await page.getByLabel('Name', { exact: true }).fill('bad name!');
    await page.getByRole('button', { name: 'Create' }).click();
    assert.match(await page.getByRole('alert').innerText(), /name/);
    assert.equal((await t.client.notebooks.list()).total, 0);
    await recordPage(page, 'notebook-create');
    await page.getByLabel('Name', { exact: true }).fill('console-notebook');
    await page.getByLabel('Description').fill('made in the console');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/notebooks\/[0-9a-f-]{36}$/);
    notebookUrl = page.url();
    id = notebookUrl.split('/').at(-1)!;
    const nb = await t.client.notebooks.get(id);
    assert.equal(nb.name, 'console-notebook');
    assert.equal(nb.image.id, image.id);
    assert.equal(nb.flavor, FLAVOR);
    assert.equal(nb.pool?.id, poolName);
    assert.equal(nb.lease.duration, 3_600_000);
    // Polled while it changes: the page shows it on its way before it runs.
    await status()
      .getByText(/Creating|Starting/)
      .waitFor({ timeout: 5000 });
  });

  test('the status changes live to Running; Open shows Jupyter answering through the proxied URL', async () => {
    await status().getByText('Running').waitFor({ timeout: 120_000 });
    assert.equal((await t.client.notebooks.get(id)).status, 'RUNNING');
    assert.ok(
      (await t.client.poolWorkloads.list(poolName)).items.some((w) => w.type === 'notebook'),
      'the instance is a workload of its pool',
    );
    await page.getByText(`in dedicated pool nb-pool`).waitFor();
    await recordPage(page, 'notebook-detail');
    const [tab] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Open JupyterLab' }).click()]);
    await tab.waitForLoadState('domcontentloaded');
    const nb = await t.client.notebooks.get(id);
    assert.ok(tab.url().startsWith(nb.url), `${tab.url()} is under ${nb.url}`);
    // The tab holds the proxy's cookie now: Jupyter's own API answers it without a token.
    const answer = await tab.evaluate(async (base) => {
      const r = await fetch(`${base}api/status`);
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    }, nb.url);
    assert.equal(answer.status, 200);
    assert.ok('started' in answer.body, JSON.stringify(answer.body));
    await tab.close();
  });

  test('renew the lease: the API stops it 4 h from the renewal', async () => {
    await page.getByLabel('Run for').selectOption('4');
    const before = Date.now();
    await page.getByRole('button', { name: 'Renew lease' }).click();
    const ends = (l: { create_at: number; duration: number }) => l.create_at + l.duration;
    const deadline = Date.now() + 10_000;
    let lease = await t.client.notebooks.lease(id);
    while (ends(lease) < before + 4 * 3_600_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      lease = await t.client.notebooks.lease(id);
    }
    assert.equal(lease.type, 'TIMING');
    assert.ok(ends(lease) >= before + 4 * 3_600_000 && ends(lease) <= Date.now() + 4 * 3_600_000, `ends ${ends(lease) - before} ms after the renewal`);
    await page
      .getByTestId('notebook-lease')
      .getByText(new Date(ends(lease)).toLocaleTimeString('en-US'))
      .waitFor();
  });

  test('stop: Stopped on the page and in the API; the list shows it; start brings it back to Running', async () => {
    await page.getByRole('button', { name: 'Stop' }).click();
    await status().getByText('Stopped').waitFor({ timeout: 60_000 });
    assert.equal((await t.client.notebooks.get(id)).status, 'STOPPED');
    await page
      .getByRole('table')
      .getByText(/stopped/i)
      .first()
      .waitFor();
    await page.getByRole('link', { name: '← Notebooks' }).click();
    await page.getByRole('row', { name: /console-notebook.*Stopped/ }).waitFor();
    await recordPage(page, 'notebooks');
    // The filter is in the URL, and the server applies it.
    await page.getByLabel('Status').selectOption('RUNNING');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/notebooks\?status=RUNNING$/);
    await page.getByText('No notebook instance matches.').waitFor();
    await page.goto(`${page.url().replace(/\?.*$/, '')}?status=STOPPED&name=console`);
    await page.getByRole('row', { name: /console-notebook.*Stopped/ }).waitFor();
    await page.getByRole('link', { name: 'console-notebook' }).click();
    await page.getByRole('button', { name: 'Start' }).click();
    await status().getByText('Running').waitFor({ timeout: 120_000 });
    assert.equal((await t.client.notebooks.get(id)).status, 'RUNNING');
  });

  test('delete removes the instance; its URL then shows not found', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/notebooks$/);
    await waitGone(t.client, id);
    id = '';
    await page.goto(notebookUrl);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
  });
});
