// The console's resource pool pages in Chromium against a real Atelier: a network created (a bad CIDR
// shows its error_msg), a pool created from the form on a flavor the API offers, its page with nodes,
// utilisation charts from the sampler, a workload, events, tags added and removed; the pool and then
// its network deleted; another project's pool is not found. Each action is checked through the API.
// Screenshots go to .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CPU1, PY_ENGINE, ended, putCode, waitForJob } from '../training-jobs/helpers.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();

describe('console resource pool pages in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let poolUrl = '';
  let poolId = '';
  let jobId = '';

  before(async () => {
    buildConsole();
    t = await startTestApp({ ATELIER_METRICS_INTERVAL: '200', ATELIER_LOCAL_POOL_CPU_OVERCOMMIT: '1' });
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

  test('a pool needs a network: the form says so; the networks page creates one (a bad CIDR shows the error_msg)', async () => {
    await page.getByRole('link', { name: 'Resource pools' }).click();
    await page.waitForURL(/\/pools$/);
    await page.getByText('No resource pools yet').waitFor();
    await recordPage(page, 'pools-empty');
    await page.getByRole('link', { name: 'Create pool' }).click();
    await page.getByText('A pool needs a network').waitFor();
    await page.getByRole('link', { name: 'create one' }).click();
    await page.waitForURL(/\/networks$/);
    await page.getByLabel('Name').fill('console-net');
    await page.getByLabel('CIDR block').fill('10.0.0.0/99');
    await page.getByRole('button', { name: 'Create network' }).click();
    assert.match(await page.getByRole('alert').innerText(), /cidr/i);
    assert.equal((await t.client.networks.list()).items.length, 0);
    await page.getByLabel('CIDR block').fill('192.168.0.0/16');
    await page.getByRole('button', { name: 'Create network' }).click();
    await page.getByRole('row', { name: /console-net.*192\.168\.0\.0\/16.*Active/ }).waitFor();
    const [net] = (await t.client.networks.list()).items;
    assert.equal(net?.metadata.labels['os.modelarts/name'], 'console-net');
    await recordPage(page, 'networks');
  });

  test('the pool form offers the API flavors; a bad name shows the error_msg; a good pool opens its page, Running with its node', async () => {
    await page.getByRole('link', { name: 'Resource pools' }).first().click();
    await page.getByRole('link', { name: 'Create pool' }).click();
    await page.waitForURL(/\/pools\/new$/);
    const flavors = (await t.client.resourceFlavors.list()).items.map((f) => f.metadata.name);
    await page.getByLabel('Flavor').locator('option').first().waitFor({ state: 'attached' });
    assert.deepEqual(
      await page
        .getByLabel('Flavor')
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)),
      flavors,
    );
    await page.getByLabel('Network').locator('option', { hasText: 'console-net' }).waitFor({ state: 'attached' });
    await page.getByLabel('Name', { exact: true }).fill('Bad Name!');
    await page.getByLabel('Description').fill('made in the console');
    await page.getByLabel('Flavor').selectOption('modelarts.vm.cpu.1u');
    await page.getByLabel('Notebooks').check();
    await page.getByRole('button', { name: 'Create' }).click();
    assert.match(await page.getByRole('alert').innerText(), /name/);
    assert.equal((await t.client.pools.list()).items.length, 0);
    await recordPage(page, 'pool-create');
    await page.getByLabel('Name', { exact: true }).fill('console-pool');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/pools\/pool-[0-9a-f]{32}$/);
    poolUrl = page.url();
    poolId = poolUrl.split('/').at(-1)!;
    const pool = await t.client.pools.show(poolId);
    assert.equal(pool.metadata.labels['os.modelarts/name'], 'console-pool');
    assert.deepEqual(pool.spec.scope, ['Train', 'Notebook']);
    assert.deepEqual(pool.spec.resources, [{ flavor: 'modelarts.vm.cpu.1u', count: 1 }]);
    await page.getByTestId('pool-phase').getByText('Running').waitFor();
    const node = (await t.client.pools.nodes(poolId)).items[0]!;
    await page
      .getByRole('table', { name: 'Nodes' })
      .getByRole('row', { name: new RegExp(node.metadata.name) })
      .waitFor();
  });

  test("the pool's page charts the sampler's CPU, memory and disk; lists events; tags are added and removed", async () => {
    await page.reload();
    for (const chart of ['CPU', 'Memory', 'Disk'])
      await page.getByRole('img', { name: new RegExp(`^${chart}, [1-9]\\d* samples`) }).waitFor({ timeout: 20_000 });
    const events = (await t.client.pools.events({ resource: 'pools', name: poolId })).items;
    if (events.length > 0) await page.getByRole('table', { name: 'Events' }).getByText(events[0]!.message).first().waitFor();
    await page.getByLabel('Tag key').fill('team');
    await page.getByLabel('Tag value').fill('vision');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page
      .getByRole('table', { name: 'Tags' })
      .getByRole('row', { name: /team.*vision/ })
      .waitFor();
    assert.deepEqual((await t.client.poolTags.show(poolId)).tags, [{ key: 'team', value: 'vision' }]);
    await recordPage(page, 'pool-detail');
    await page.getByRole('button', { name: 'Remove tag team' }).click();
    await page.getByText('No tags.').waitFor();
    assert.deepEqual((await t.client.poolTags.show(poolId)).tags, []);
    await page.goto(poolUrl.replace(/\/[^/]+$/, ''));
    await page.getByRole('row', { name: /console-pool.*Running.*1 × modelarts\.vm\.cpu\.1u/ }).waitFor();
    const held = (await t.client.poolMetrics.runtime()).items.find((i) => i.metadata.name === poolId)!.table;
    await page
      .getByRole('row', { name: /console-pool/ })
      .getByText(`${held.allocated.value.cpu} / ${held.capacity.value.cpu}`, { exact: true })
      .waitFor();
    await recordPage(page, 'pools');
  });

  test('a training job placed in the pool shows among its workloads, running', async () => {
    const code = putCode(t, 'pool-sleeper', 'sleep.py', 'import time\ntime.sleep(600)\n');
    const job = await t.client.training.createJob({
      metadata: { name: 'console-sleeper' },
      algorithm: { ...code, engine: { engine_id: PY_ENGINE } },
      spec: { resource: { flavor_id: CPU1, node_count: 1, pool_id: poolId } },
    });
    jobId = job.metadata.id;
    await page.goto(poolUrl);
    await page
      .getByRole('table', { name: 'Workloads' })
      .getByRole('row', { name: /console-sleeper.*train.*Running.*modelarts\.vm\.cpu\.1u/ })
      .waitFor({ timeout: 30_000 });
    const [workload] = (await t.client.poolWorkloads.list(poolId)).items;
    assert.equal(workload?.jobUUID, jobId);
    await recordPage(page, 'pool-workloads');
    await t.client.training.terminateJob(jobId);
    await waitForJob(t.client, jobId, ended, 30_000);
  });

  test("another project's pool is not found; delete removes the pool", async () => {
    const other = await t.newTenant('pools-other');
    const net = await other.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'their-net' } },
      spec: { cidr: '172.16.0.0/16' },
    });
    const theirs = await other.pools.create({
      apiVersion: 'v2',
      kind: 'Pool',
      metadata: { labels: { 'os.modelarts/name': 'theirs' } },
      spec: { type: 'Dedicate', scope: ['Train'], network: { name: net.metadata.name }, resources: [{ flavor: 'modelarts.vm.cpu.1u', count: '1' }] },
    });
    await page.goto(poolUrl.replace(poolId, theirs.metadata.name));
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await page.goto(poolUrl);
    await page.getByTestId('pool-phase').getByText('Running').waitFor();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.waitForURL(/\/pools$/);
    const deadline = Date.now() + 20_000;
    while ((await t.client.pools.list()).items.length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual((await t.client.pools.list()).items, []);
    await page.getByText('No resource pools yet').waitFor({ timeout: 20_000 });
  });

  test('delete on the networks page removes the network once no pool uses it', async () => {
    await page.getByRole('link', { name: 'Networks' }).click();
    await page.waitForURL(/\/networks$/);
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete network console-net' }).click();
    await page.getByText('No networks yet').waitFor({ timeout: 20_000 });
    assert.deepEqual((await t.client.networks.list()).items, []);
  });
});
