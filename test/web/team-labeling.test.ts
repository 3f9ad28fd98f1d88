// The team labeling example in the console, in a real Chromium against a real Atelier: two
// labelers and a reviewer join from the invitation mail (a real SMTP sink) and set their passwords;
// each labeler sees only their half of 20 samples and labels it; the reviewer sends one back and its
// labeler fixes it; the owner runs an acceptance at 50% and passes it; a version published from the
// dataset holds the labels; a removed member's next request sends them to the sign-in. Screenshots go
// to .cache/test-artifacts/web/, and axe-core finds no serious or critical violation on any page.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { readManifest } from '#src/formats/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
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
  let wf = '';
  const links = new Map<string, string>();
  const SAMPLES = 20;

  before(async () => {
    buildConsole();
    sink = await startSmtpSink();
    t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
    t.atelier.startBackground();
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < SAMPLES; i++) files[`${String(i).padStart(2, '0')}.png`] = await square(20 + i * 10);
    datasetId = (await createDataset(t, { type: 0, files, labels: [{ name: 'cat' }, { name: 'dog' }] })).id;
    wf = (await t.client.workforces.create({ workforce_name: 'console-team' })).workforce_id;
    await t.client.workforces.createWorker(wf, { emails: 'la@example.com,lb@example.com', role: 0 });
    await t.client.workforces.createWorker(wf, { emails: 'rev@example.com', role: 1 });
    taskId = (await t.client.workforceTasks.create(datasetId, { task_name: 'pets', workforces_config: { workforces: [{ workforce_id: wf }] } })).task_id;
    await t.client.workforceTasks.start(datasetId, taskId);
    await t.client.workforceTasks.sendEmails(datasetId, taskId, ['la@example.com', 'lb@example.com', 'rev@example.com']);
    for (let i = 0; i < 3; i++) {
      const mail = await sink.next();
      const to = JSON.stringify(mail.to);
      const link = new RegExp(`${t.url}/invite/[A-Za-z0-9_-]+`).exec(mail.text ?? '');
      assert.ok(link, 'the mail holds the console link');
      links.set(/"?(la|lb|rev)@/.exec(to)![1]!, link[0]);
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

  /** The copies of one member, from the owner's side. */
  const copiesOf = async (email: string) =>
    (await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100 })).samples.filter((s) => s.labelers.some((l) => l.email === email));

  /** Signs in through the form as a member (their e-mail is the user name) and opens the task. */
  const signInAsMember = async (email: string) => {
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, { ...t.creds, user_name: email }, 'worker-pass-1');
    await page.waitForURL(/\/worker-tasks$/);
    await page.getByRole('link', { name: 'pets' }).click();
  };

  /** Labels every copy on the member's page with `name`, one card at a time, as a person would. */
  const labelAll = async (name: string) => {
    const cards = page.getByRole('list', { name: 'My samples' }).getByRole('listitem');
    const n = await cards.count();
    for (let i = 0; i < n; i++) {
      const card = cards.nth(i);
      await card.getByLabel('Label').selectOption(name);
      await card.getByRole('button', { name: 'Save label' }).click();
      await card.getByText(`labeled: ${name}`).waitFor();
    }
  };

  test("each labeler joins from the mail's link, sees only their half of the 20 samples, and labels it", async () => {
    for (const [who, label] of [
      ['la', 'cat'],
      ['lb', 'dog'],
    ] as const) {
      await join(links.get(who)!, who === 'la' ? 'invite' : undefined);
      assert.match(await page.getByRole('row', { name: /pets/ }).innerText(), /Labeler\s+Running\s+10\s+10/);
      if (who === 'la') await record('worker-tasks');
      await page.getByRole('link', { name: 'pets' }).click();
      await page.getByRole('heading', { name: 'My samples' }).waitFor();
      const cards = page.getByRole('list', { name: 'My samples' }).getByRole('listitem');
      await cards.nth(9).waitFor();
      assert.equal(await cards.count(), 10, 'half of the samples: the other labeler has the rest');
      await page.waitForFunction(() => [...document.querySelectorAll('ul.grid img')].every((i) => (i as HTMLImageElement).naturalWidth > 0));
      const own = await copiesOf(`${who}@example.com`);
      const shown = await page.locator('ul.grid img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('alt')));
      assert.deepEqual(shown.sort(), own.map((s) => s.sample_name).sort());
      await labelAll(label);
      if (who === 'la') await record('worker-labeling');
      for (const copy of await copiesOf(`${who}@example.com`)) {
        const saved = await t.client.workforceTasks.sample(datasetId, taskId, copy.sample_id, { worker_id: copy.worker_id });
        assert.deepEqual(
          saved.labels.map((l) => l.name),
          [label],
        );
      }
    }
  });

  test('the reviewer sends one copy back with a comment and passes the others; its labeler fixes it', async () => {
    const sentBack = (await copiesOf('la@example.com'))[0]!;
    await join(links.get('rev')!);
    await page.getByRole('link', { name: 'pets' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    const cards = page.getByRole('list', { name: 'Review queue' }).getByRole('listitem');
    await cards.nth(SAMPLES - 1).waitFor();
    assert.equal(await cards.count(), SAMPLES, 'every labeled copy waits for review');
    const wrong = cards.filter({ has: page.getByRole('img', { name: sentBack.sample_name ?? '' }) });
    await wrong.getByLabel('Comment').fill('this one is a dog');
    await record('worker-review');
    await wrong.getByRole('button', { name: 'Reject' }).click();
    for (let left = SAMPLES - 1; left > 0; left--) {
      await page.waitForFunction((n) => document.querySelectorAll('ul.grid li').length === n, left);
      await cards.first().getByRole('button', { name: 'Pass' }).click();
    }
    await page.getByText('Nothing waits for review.').waitFor();
    assert.equal((await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100, sample_state: '__REVIEWED__' })).sample_count, SAMPLES - 1);

    // The labeler finds the copy back on their list with the reviewer's comment, and fixes it.
    await signInAsMember('la@example.com');
    const card = page
      .getByRole('list', { name: 'My samples' })
      .getByRole('listitem')
      .filter({ has: page.getByRole('img', { name: sentBack.sample_name ?? '' }) });
    await card.getByText('Reviewer: this one is a dog').waitFor();
    await card.getByLabel('Label').selectOption('dog');
    await card.getByRole('button', { name: 'Save label' }).click();
    await card.getByText('labeled: dog').waitFor();
    await record('worker-fixed');

    await signInAsMember('rev@example.com');
    const again = page.getByRole('list', { name: 'Review queue' }).getByRole('listitem');
    await again.first().waitFor();
    assert.equal(await again.count(), 1);
    assert.equal(await again.first().getByTestId('copy-labels').innerText(), 'dog');
    await again.first().getByRole('button', { name: 'Pass' }).click();
    await page.getByText('Nothing waits for review.').waitFor();
  });

  test('the owner runs an acceptance at 50% and passes it; a version published from the dataset holds the labels', async () => {
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, t.creds, t.creds.password);
    await page.waitForURL(/\/datasets$/);
    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${datasetId}?tab=team`);
    const row = page.getByRole('row', { name: /pets/ });
    await row.waitFor();
    assert.match(await row.innerText(), /pets\s+Running\s+20\s+0\s+0\s+20\s+0/);
    await row.getByRole('button', { name: 'Acceptance of pets' }).click();
    await page.getByLabel('Sampling rate (%)').fill('50');
    await page.getByRole('button', { name: 'Start acceptance' }).click();
    const report = page.getByTestId('acceptance-report');
    await report.waitFor();
    assert.match(await report.innerText(), /Reviewed copies\s+20\s+Drawn for checking\s+10/);
    await record('team-acceptance');
    await page.getByRole('button', { name: 'Pass the acceptance' }).click();
    await page.getByText(`${SAMPLES} samples now carry the accepted labels.`).waitFor();
    await record('team-accepted');
    const expected = new Map<string, string>();
    for (const who of ['la', 'lb']) for (const c of await copiesOf(`${who}@example.com`)) expected.set(c.sample_id, who === 'lb' ? 'dog' : 'cat');
    expected.set((await copiesOf('la@example.com'))[0]!.sample_id, 'dog');
    for (const [id, name] of expected) {
      assert.deepEqual(
        (await t.client.samples.describe(datasetId, id)).labels?.map((l) => l.name),
        [name],
      );
    }

    await page.goto(`${t.url}/projects/${t.creds.project_id}/datasets/${datasetId}?tab=versions`);
    await page.getByRole('button', { name: 'Publish' }).click();
    const manifest = page.locator('td code');
    await manifest.waitFor({ timeout: 20_000 });
    const labels: string[] = [];
    for await (const m of readManifest(t.atelier.context.objectStore, parseObsPath(await manifest.innerText(), 'manifest'))) {
      labels.push(...(m.annotation ?? []).map((a) => a.name ?? ''));
    }
    assert.deepEqual(labels.sort(), [...expected.values()].sort());
  });

  test("a removed member's next request sends them to the sign-in", async () => {
    await signInAsMember('lb@example.com');
    await page.getByRole('heading', { name: 'My samples' }).waitFor();
    const lb = (await t.client.workforces.listWorkers(wf, { limit: 100 })).workers.find((w) => w.email === 'lb@example.com')!;
    await t.client.workforces.deleteWorker(wf, lb.worker_id);
    await page.reload();
    await page.waitForURL(/\/sign-in/);
    await fillSignIn(page, { ...t.creds, user_name: 'lb@example.com' }, 'worker-pass-1');
    await page.getByRole('alert').waitFor();
  });
});
