// Team labeling in the console, in a real Chromium against a real Atelier: a labeler opens the
// invitation link from the mail (a real SMTP sink), sets a password and lands on their tasks, sees
// only their own share of the samples and labels one; a reviewer passes it from the review queue;
// the owner opens the dataset's Team labeling tab, runs an acceptance and passes it, and the dataset
// sample carries the label. Screenshots go to .cache/test-artifacts/web/, and axe-core finds no
// serious or critical violation on any page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset } from '../samples/fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage } from './browser.ts';

const missing = browserMissing();
if (missing) console.log(`# ${missing}`);

const square = (r: number) =>
  sharp({ create: { width: 48, height: 48, channels: 3, background: { r, g: 90, b: 160 } } })
    .png()
    .toBuffer();

describe('team labeling in Chromium', { skip: missing }, () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;
  let datasetId = '';
  let taskId = '';
  const links = new Map<string, string>();

  before(async () => {
    buildConsole();
    sink = await startSmtpSink();
    t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
    t.atelier.startBackground();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 4; i++) files[`${i}.png`] = await square(40 + i * 50);
    datasetId = (await createDataset(t, { type: 0, files, labels: [{ name: 'cat' }, { name: 'dog' }] })).id;
    const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'console-team' });
    await t.client.workforces.createWorker(wf, { emails: 'la@example.com,lb@example.com', role: 0 });
    await t.client.workforces.createWorker(wf, { emails: 'rev@example.com', role: 1 });
    taskId = (await t.client.workforceTasks.create(datasetId, { task_name: 'pets', workforces_config: { workforces: [{ workforce_id: wf }] } })).task_id;
    await t.client.workforceTasks.start(datasetId, taskId);
    await t.client.workforceTasks.sendEmails(datasetId, taskId, ['la@example.com', 'rev@example.com']);
    for (let i = 0; i < 2; i++) {
      const mail = await sink.next();
      const to = JSON.stringify(mail.to);
      const link = new RegExp(`${t.url}/invite/[A-Za-z0-9_-]+`).exec(mail.text ?? '');
      assert.ok(link, 'the mail holds the console link');
      links.set(to.includes('la@example.com') ? 'la' : 'rev', link[0]);
    }
    browser = await openBrowser();
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sink?.close();
  });

  const record = (name: string) => recordPage(page, name);

  /** Follows an invitation link, sets the password (twice) and lands on the member's task list. */
  const join = async (link: string, shot?: string) => {
    await page.goto(link);
    await page.getByRole('heading', { name: 'Join the labeling team' }).waitFor();
    if (shot) await record(shot);
    await page.getByLabel('New password').fill('worker-pass-1');
    await page.getByLabel('Repeat the password').fill('worker-pass-2');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    assert.match(await page.getByRole('alert').innerText(), /differ/);
    await page.getByLabel('Repeat the password').fill('worker-pass-1');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.waitForURL(new RegExp(`/projects/${t.creds.project_id}/worker-tasks$`));
    await page.getByRole('link', { name: 'pets' }).waitFor();
  };

  test("a labeler joins from the mail's link, sees only their share of the samples, and labels one", async () => {
    await join(links.get('la')!, 'invite');
    assert.match(await page.getByRole('row', { name: /pets/ }).innerText(), /Labeler\s+Running\s+2\s+2/);
    await record('worker-tasks');
    await page.getByRole('link', { name: 'pets' }).click();
    await page.getByRole('heading', { name: 'My samples' }).waitFor();
    const cards = page.getByRole('list', { name: 'My samples' }).getByRole('listitem');
    await cards.nth(1).waitFor();
    assert.equal(await cards.count(), 2, 'half of the four samples, the other labeler has the rest');
    await page.waitForFunction(() => [...document.querySelectorAll('ul.grid img')].every((i) => (i as HTMLImageElement).naturalWidth > 0));
    const own = await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100 });
    const la = own.samples.filter((s) => s.labelers.some((l) => l.email === 'la@example.com'));
    const shown = await page.locator('ul.grid img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')));
    assert.deepEqual(shown.sort(), la.map((s) => s.sample_name).sort());

    const first = cards.first();
    await first.getByLabel('Label').fill('cat');
    await first.getByRole('button', { name: 'Save label' }).click();
    await first.getByRole('status').getByText('Saved').waitFor();
    await first.getByText('labeled: cat').waitFor();
    await record('worker-labeling');
    const copy = await t.client.workforceTasks.sample(datasetId, taskId, la[0]!.sample_id, { worker_id: la[0]!.worker_id });
    assert.deepEqual(
      copy.labels.map((l) => l.name),
      ['cat'],
    );
  });

  test('the reviewer passes the labeled copy from the review queue with a comment', async () => {
    await join(links.get('rev')!);
    await page.getByRole('link', { name: 'pets' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const cards = page.getByRole('list', { name: 'Review queue' }).getByRole('listitem');
    await cards.first().waitFor();
    assert.equal(await cards.count(), 1, 'only the labeled copy waits for review');
    await cards.first().getByLabel('Comment').fill('looks right');
    await record('worker-review');
    await cards.first().getByRole('button', { name: 'Pass' }).click();
    await page.getByText('Nothing waits for review.').waitFor();
    const reviewed = await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100, sample_state: '__REVIEWED__' });
    assert.equal(reviewed.sample_count, 1);
    assert.equal(reviewed.samples[0]?.review_comment, 'looks right');
  });

  test('the owner sees the task on the Team labeling tab, runs an acceptance and passes it into the dataset', async () => {
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(/\/datasets$/);
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${datasetId}?tab=team`);
    const row = page.getByRole('row', { name: /pets/ });
    await row.waitFor();
    assert.match(await row.innerText(), /pets\s+Running\s+4\s+3\s+0\s+1\s+0/);
    await row.getByRole('button', { name: 'Acceptance of pets' }).click();
    await page.getByLabel('Sampling rate (%)').fill('100');
    await page.getByRole('button', { name: 'Start acceptance' }).click();
    const report = page.getByTestId('acceptance-report');
    await report.waitFor();
    assert.match(await report.innerText(), /Reviewed copies\s+1\s+Drawn for checking\s+1/);
    await record('team-acceptance');
    await page.getByRole('button', { name: 'Pass the acceptance' }).click();
    await page.getByText('1 samples now carry the accepted labels.').waitFor();
    await record('team-accepted');
    const labeled = (await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100, sample_state: '__ACCEPTED__' })).samples[0]!;
    const inDataset = await t.client.samples.describe(datasetId, labeled.sample_id);
    assert.deepEqual(
      inDataset.labels?.map((l) => l.name),
      ['cat'],
    );
  });
});
