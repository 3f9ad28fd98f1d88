// The console's Settings page in Chromium against a real Atelier: an access key made in the page
// (secret shown once, copied, downloaded) signs a request through the typed client; an admin creates a
// user, resets their password and makes them a project member, and that user signs in and sees no
// Users tab. Screenshots go to .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { AtelierClient } from '#src/client/index.ts';
import { iamOperations } from '#src/auth/iam-operations.ts';
import { tokenOperations } from '#src/auth/token-operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();

describe('console settings page in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  before(async () => {
    buildConsole();
    t = await startTestApp();
    browser = await openBrowser();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
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
  const confirmNext = () => page.once('dialog', (d) => void d.accept());

  test('an access key made in the page is shown once, copied and downloaded, signs requests, and is deleted', async () => {
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.waitForURL(/\/settings$/);
    await page.getByRole('table', { name: 'Access keys' }).waitFor();
    assert.equal(await page.getByRole('table', { name: 'Access keys' }).locator('tbody tr').count(), 1);
    await page.getByLabel('Description').fill('from the browser');
    await page.getByRole('button', { name: 'Create access key' }).click();
    const panel = page.getByRole('status', { name: 'New access key' });
    await panel.waitFor();
    const ak = (await page.getByTestId('new-ak').textContent()) ?? '';
    const sk = (await page.getByTestId('new-sk').textContent()) ?? '';
    assert.match(ak, /^[A-Z0-9]{20}$/);
    await record('settings-new-key');

    await page.getByRole('button', { name: 'Copy the secret' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), sk);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download credentials.csv' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    assert.ok(csv.includes(`${ak},${sk}`), csv);

    // The key signs a request through the typed client.
    const signed = new AtelierClient(t.url, { kind: 'aksk', ak, sk, projectId: t.creds.project_id });
    const mine = await signed.http.op(iamOperations.ListPermanentAccessKeys);
    assert.ok(mine.credentials.some((k) => k.access === ak && k.description === 'from the browser'));
    assert.ok((await signed.http.op(tokenOperations.KeystoneListAuthProjects)).projects.some((p) => p.id === t.creds.project_id));

    await page.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
    // Two keys: the limit, so no third.
    await page.getByRole('row', { name: new RegExp(ak) }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create access key' }).isDisabled(), true);
    confirmNext();
    await page.getByRole('button', { name: `Delete access key ${ak}` }).click();
    await page.getByRole('row', { name: new RegExp(ak) }).waitFor({ state: 'detached' });
    await assert.rejects(signed.http.op(iamOperations.ListPermanentAccessKeys), apiFailure(401, 'ModelArts.0208'));
  });

  test('an admin creates a user, resets the password and adds them to the project; a project is created and deleted', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(/\/settings\?tab=users$/);
    await page.getByRole('table', { name: 'Users' }).waitFor();
    const create = page.getByRole('form', { name: 'Create a user' });
    await create.getByLabel('Name').fill('sam');
    await create.getByLabel('Initial password').fill('first-password');
    await create.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('row', { name: /sam/ }).waitFor();
    // A taken name: the server's error_msg is shown.
    await create.getByLabel('Name').fill('sam');
    await create.getByLabel('Initial password').fill('first-password');
    await create.getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();
    await record('settings-users');

    await page.getByRole('button', { name: 'Reset password of sam' }).click();
    await page.getByRole('form', { name: 'New password for sam' }).getByLabel('New password').fill('second-password');
    await page.getByRole('button', { name: 'Set password', exact: true }).click();
    await page.getByText('The password of sam was changed.').waitFor();

    await page.getByRole('link', { name: 'Projects' }).click();
    await page.waitForURL(/\/settings\?tab=projects$/);
    const main = await t.atelier.context.identity.project(t.creds.domain_name, t.creds.project_id);
    await page.getByRole('button', { name: `Members of ${main.name}` }).click();
    const members = page.getByRole('region', { name: `Members of ${main.name}` });
    await members.getByRole('listitem').first().waitFor();
    await members.getByLabel('User').selectOption({ label: 'sam' });
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('listitem').filter({ hasText: 'sam' }).waitFor();
    await record('settings-projects');

    const form = page.getByRole('form', { name: 'Create a project' });
    await form.getByLabel('Name').fill('scratch');
    await form.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('row', { name: /scratch/ }).waitFor();
    confirmNext();
    await page.getByRole('button', { name: 'Delete project scratch' }).click();
    await page.getByRole('row', { name: /scratch/ }).waitFor({ state: 'detached' });
    assert.ok(!(await t.client.http.op(iamOperations.KeystoneListProjects)).projects.some((p) => p.name === 'scratch'));
  });

  test('the new user signs in with the new password and sees only the Access keys tab', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    await fillSignIn(page, { ...t.creds, user_name: 'sam' }, 'second-password');
    await page.waitForURL(/\/datasets$/);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await page.getByRole('table', { name: 'Access keys' }).or(page.getByText('You hold no access keys.')).waitFor();
    const tabs = page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link');
    assert.deepEqual(await tabs.allTextContents(), ['Access keys']);
    // Asking for the users tab by URL still shows the keys.
    await page.goto(`${t.url}/projects/${t.creds.project_id}/settings?tab=users`);
    await page.getByText('You hold no access keys.').waitFor();
    assert.equal(await page.getByRole('table', { name: 'Users' }).count(), 0);
    await record('settings-non-admin');
  });
});
