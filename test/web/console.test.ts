// The web console in a real Chromium against a real Atelier: sign-in (and a wrong password), creating
// a dataset from a folder of images and seeing it listed with its thumbnails, publishing a version,
// another project's dataset, a refused token, sign-out. A screenshot of each page goes to
// .cache/test-artifacts/web/, and axe-core finds no serious or critical violation on any of them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createBody, putFile } from '../datasets/fixtures.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

/** A small solid-colour PNG, so each thumbnail is a real image. */
const square = ([r, g, b]: readonly [number, number, number]) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g, b } } })
    .png()
    .toBuffer();

describe('web console in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let datasetUrl = '';

  before(async () => {
    buildConsole();
    t = await startTestApp();
    t.atelier.startBackground();
    for (const [i, rgb] of [
      [1, [200, 40, 40]],
      [2, [40, 160, 60]],
      [3, [40, 80, 200]],
    ] as const)
      putFile(t, `/console-obs/photos/in/${i}.png`, await square(rgb));
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Checks the page for accessibility and saves its screenshot. */
  const record = (name: string) => recordPage(page, name);

  const signIn = (password: string) => fillSignIn(page, t.creds, password);

  test('the console opens at / and sends a visitor to sign in; a wrong password is shown with the API error_msg', async () => {
    await page.goto(t.url + '/');
    await page.waitForURL(/\/sign-in$/);
    await record('sign-in');
    await signIn('not-the-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The user name, password, domain or project is wrong\./);
    assert.match(page.url(), /\/sign-in$/);
    await record('sign-in-refused');
  });

  test('signing in opens the project datasets, the session in sessionStorage only', async () => {
    await signIn(t.creds.password);
    await page.waitForURL(new RegExp(`/projects/${t.creds.project_id}/datasets$`));
    await page.getByRole('heading', { name: 'Datasets' }).waitFor();
    await page.getByText('No datasets yet in this project.').waitFor();
    const stored = await page.evaluate(() => ({ session: sessionStorage.length, local: localStorage.length }));
    assert.deepEqual(stored, { session: 1, local: 0 });
    await record('datasets-empty');
  });

  test('create a dataset from a folder of images: the scan shows without a reload, the samples appear as thumbnails, and it is listed', async () => {
    await page.getByRole('link', { name: 'Create dataset' }).click();
    await page.getByRole('heading', { name: 'Create a dataset' }).waitFor();
    await page.getByLabel('Name', { exact: false }).first().fill('photos');
    await page.getByLabel('Input folder').fill('/console-obs/photos/in/');
    await page.getByLabel('Output folder').fill('/console-obs/photos/out/');
    await record('dataset-create');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/datasets\/(?!new$)[^/]+$/);
    datasetUrl = page.url();
    await page.getByTestId('dataset-status').getByText('Ready').waitFor({ timeout: 20_000 });
    await page.locator('.sample-cell .thumb-sheet').nth(2).waitFor();
    // Three thumbnails, each a tile of the page's thumbnail sheet (one image the server composes of
    // the previews), put in the page once the sheet is decoded; no single preview was asked for.
    await page.waitForFunction(() => {
      const tiles = [...document.querySelectorAll<HTMLElement>('.sample-cell .thumb-sheet')];
      return tiles.length === 3 && tiles.every((e) => e.style.backgroundImage.startsWith('url("blob:'));
    });
    assert.equal(await page.locator('.sample-cell img').count(), 0);
    assert.deepEqual((await page.locator('.sample-cell .thumb-sheet').evaluateAll((es) => es.map((e) => e.getAttribute('aria-label')))).sort(), [
      '1.png',
      '2.png',
      '3.png',
    ]);
    // Each cell shows its own tile: the middle of what Chromium paints is that sample's colour.
    for (const [name, rgb] of [
      ['1.png', [200, 40, 40]],
      ['2.png', [40, 160, 60]],
      ['3.png', [40, 80, 200]],
    ] as const) {
      const shot = await page.getByRole('img', { name, exact: true }).screenshot();
      const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
      const at = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * info.channels;
      const got = [data[at]!, data[at + 1]!, data[at + 2]!];
      assert.ok(
        got.every((v, k) => Math.abs(v - rgb[k]!) <= 24),
        `${name}: painted ${got.join(',')}, want ${rgb.join(',')}`,
      );
    }
    await record('dataset-samples');
    // The charts count the samples; a state filter goes into the URL and narrows the grid.
    await page.getByRole('img', { name: /Samples by state: Labeled 0, Not labeled 3, To confirm 0/ }).waitFor();
    await page.getByLabel('State', { exact: true }).selectOption('__ALL__');
    await page.waitForURL(/[?&]state=__ALL__/);
    await page.getByText('No samples match.').waitFor();
    await page.reload();
    await page.getByText('No samples match.').waitFor();
    await page.getByLabel('State', { exact: true }).selectOption('__NONE__');
    await page.locator('.sample-cell .thumb-sheet').nth(2).waitFor();
    await page.getByLabel('File name (exact)').fill('2.png');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/[?&]name=2\.png/);
    await page.waitForFunction(() => document.querySelectorAll('.sample-cell').length === 1);
    await page.locator('.sample-cell .thumb-sheet').waitFor();
    assert.equal(await page.locator('.sample-cell .thumb-sheet').getAttribute('aria-label'), '2.png');
    await page.goto(datasetUrl);

    await page.getByRole('link', { name: '← Datasets' }).click();
    // The list shows what it had cached at once, and the scan's end once its refetch answers.
    const row = page.getByRole('row', { name: /photos/ }).filter({ hasText: 'Ready' });
    await row.waitFor();
    assert.match(await row.innerText(), /Image classification\s+Ready\s+0 labeled of 3/);
    await record('datasets-list');
    await page.emulateMedia({ colorScheme: 'dark' });
    await record('datasets-list-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The search is kept in the URL, so a reload shows the same list.
    await page.getByLabel('Name or description contains').fill('nothing-like-it');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\?q=nothing-like-it$/);
    await page.reload();
    await page.getByText('No dataset name or description contains this text.').waitFor();
    await page.getByLabel('Name or description contains').fill('PHOT');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('row', { name: /photos/ }).waitFor();
  });

  test('publish a version: its status follows by polling and its manifest path shows', async () => {
    await page.goto(datasetUrl + '?tab=versions');
    await page.getByRole('heading', { name: 'Publish a version' }).waitFor();
    await page.getByRole('button', { name: 'Publish' }).click();
    const manifest = page.locator('td code');
    await manifest.waitFor({ timeout: 20_000 });
    assert.match(await manifest.innerText(), /^\/console-obs\/photos\/out\/.*\.manifest$/);
    assert.match(await page.getByRole('row', { name: /V001/ }).innerText(), /Published/);
    await record('dataset-versions');
  });

  test("another project's dataset id in the URL is a not-found page", async () => {
    const other = await t.newTenant('elsewhere');
    const { context } = t.atelier;
    await context.buckets.create((await context.identity.domain('elsewhere')).id, 'elsewhere-obs');
    putFile(t, '/elsewhere-obs/in/1.png', await square([1, 2, 3]));
    const { dataset_id } = await other.datasets.create(createBody('theirs', '/elsewhere-obs/in/', '/elsewhere-obs/out/'));
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${dataset_id}`);
    await page.getByRole('heading', { name: 'Not found' }).waitFor();
    await record('dataset-not-found');
  });

  test('a refused token sends the user to sign in, and back to the page after', async () => {
    await page.evaluate(() => {
      const key = 'atelier.session';
      const s = JSON.parse(sessionStorage.getItem(key)!) as { projects: Array<{ token: string }> };
      for (const p of s.projects) p.token = 'not-a-valid-token';
      sessionStorage.setItem(key, JSON.stringify(s));
    });
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets`);
    await page.waitForURL(/\/sign-in\?expired=1/);
    await page.getByText('Your session ended or was refused').waitFor();
    await record('sign-in-expired');
    await signIn(t.creds.password);
    await page.waitForURL(new RegExp(`/projects/${t.creds.project_id}/datasets$`));
    await page.getByRole('row', { name: /photos/ }).waitFor();
  });

  test("switch project: the menu lists the user's projects (IAM's /v3/auth/projects); one not signed into asks for a sign-in, then back", async () => {
    const { identity } = t.atelier.context;
    const second = await identity.createProject(t.creds.domain_name, 'second');
    await identity.addMember(second, await identity.user(t.creds.domain_name, t.creds.user_name));
    await identity.createProject(t.creds.domain_name, 'not-a-member');
    await page.reload();
    const menu = page.getByLabel('Project');
    await menu.locator('option', { hasText: 'second' }).waitFor({ state: 'attached' });
    assert.equal(await menu.locator('option', { hasText: 'not-a-member' }).count(), 0, 'only projects the user belongs to');
    await menu.selectOption({ label: 'second' });
    await page.waitForURL(/\/sign-in\?add=1&project=second/);
    assert.equal(await page.getByLabel('User').inputValue(), t.creds.user_name, 'the user is filled in');
    assert.equal(await page.getByLabel('Project').inputValue(), 'second', 'the project is filled in');
    await page.getByLabel('Password').fill(t.creds.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/projects/${second.id}/datasets$`));
    await page.getByText('No datasets yet in this project.').waitFor();
    await record('datasets-second-project');
    await page.getByLabel('Project').selectOption({ label: t.creds.project_name });
    await page.waitForURL(new RegExp(`/projects/${t.creds.project_id}/datasets$`));
    await page.getByRole('row', { name: /photos/ }).waitFor();
  });

  test('sign out forgets the session: project pages ask to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets`);
    await page.waitForURL(/\/sign-in\?next=/);
  });
});
