// The console's authorizations page in Chromium against a real Atelier: an agency made and granted to
// the signed-in user, one granted to another user by id, an access key checked by the server (a wrong
// secret shows its error_msg), and delete; each action checked through the API.
// Screenshots go to .cache/test-artifacts/web/; axe-core finds no serious or critical violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();

describe('console authorizations page in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let adminId = '';
  let memberId = '';

  before(async () => {
    buildConsole();
    t = await startTestApp();
    adminId = (await t.atelier.context.identity.user(t.creds.domain_name, t.creds.user_name)).id;
    memberId = (await t.newMember('console-member')).userId;
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

  const listed = async () => (await t.client.authorizations.list({ limit: 100, offset: 0 })).auth;

  test('an agency made on the page and granted to the signed-in user', async () => {
    await page.getByRole('link', { name: 'Authorizations' }).click();
    await page.waitForURL(/\/authorizations$/);
    await page.getByText('No authorizations yet').waitFor();
    await page.getByLabel('Agency name').fill('ma_agency_console');
    await page.getByRole('button', { name: 'Add authorization' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /ma_agency_console/, 'an agency that does not exist is refused with its error_msg');
    assert.deepEqual(await listed(), []);
    await page.getByLabel(/New agency suffix/).fill('console');
    await page.getByRole('button', { name: 'Create agency' }).click();
    await page.getByText('Created ma_agency_console').waitFor();
    assert.equal(await page.getByLabel('Agency name').inputValue(), 'ma_agency_console');
    await page.getByRole('button', { name: 'Add authorization' }).click();
    await page.getByRole('row', { name: new RegExp(`${t.creds.user_name}.*Agency.*ma_agency_console`) }).waitFor();
    const [row] = await listed();
    assert.equal(row?.user_id, adminId);
    assert.equal(row?.type, 'agency');
    assert.equal(row?.content, 'ma_agency_console');
    await recordPage(page, 'authorizations');
  });

  test('an agency for another user, by id', async () => {
    await page.getByLabel('For').selectOption('other');
    await page.getByLabel('User ID').fill(memberId);
    await page.getByLabel('Agency name').fill('ma_agency_console');
    await page.getByRole('button', { name: 'Add authorization' }).click();
    await page.getByRole('row', { name: /console-member/ }).waitFor();
    const mine = (await listed()).find((a) => a.user_id === memberId);
    assert.equal(mine?.content, 'ma_agency_console');
  });

  test("an access key: a wrong secret shows the error_msg; the user's own AK/SK is kept, its secret masked", async () => {
    await page.getByLabel('Type').selectOption('credential');
    await page.getByLabel('For').selectOption('me');
    await page.getByLabel('Access key ID').fill(t.creds.ak);
    await page.getByLabel('Secret access key').fill('wrong-secret');
    await page.getByRole('button', { name: 'Add authorization' }).click();
    await page.getByRole('alert').waitFor();
    assert.equal((await listed()).find((a) => a.user_id === adminId)?.type, 'agency', 'nothing changed');
    await page.getByLabel('Secret access key').fill(t.creds.sk);
    await page.getByRole('button', { name: 'Add authorization' }).click();
    await page.getByRole('row', { name: new RegExp(`${t.creds.user_name}.*Access key`) }).waitFor();
    const mine = (await listed()).find((a) => a.user_id === adminId);
    assert.equal(mine?.type, 'credential');
    assert.equal(mine?.content, t.creds.ak);
    assert.notEqual(mine?.secret_key, t.creds.sk);
    assert.doesNotMatch(await page.locator('main').innerText(), new RegExp(t.creds.sk));
  });

  test('delete removes one user’s authorization', async () => {
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Delete the authorization of console-member' }).click();
    await page.getByRole('row', { name: /console-member/ }).waitFor({ state: 'detached' });
    assert.deepEqual(
      (await listed()).map((a) => a.user_id),
      [adminId],
    );
  });
});
