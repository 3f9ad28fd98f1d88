// The team labeling example in the console, in a real Chromium against a real Atelier: two
// labelers and a reviewer join from the invitation mail (a real SMTP sink) and set their passwords;
// each labeler walks only their half of 20 samples in the labeling workbench and labels it; a labeler
// draws a box on a detection task's copy; the reviewer, in the same workbench, sends one back with a
// comment and its labeler fixes it; the owner runs an acceptance at 50% and passes it; a version published from the
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
import { browserMissing, buildConsole, openBrowser, type Browser, fillSignIn, recordPage, workbenchCanvas } from './browser.ts';

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
  const streets = { datasetId: '', taskId: '' };
  const texts = { datasetId: '', taskId: '' };
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
    // A detection dataset of two pictures: one copy for each labeler.
    const street = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 40, g: 120, b: 80 } } })
      .png()
      .toBuffer();
    streets.datasetId = (await createDataset(t, { type: 1, files: { 'a.png': street, 'b.png': street }, labels: [{ name: 'car' }, { name: 'person' }] })).id;
    streets.taskId = (
      await t.client.workforceTasks.create(streets.datasetId, { task_name: 'streets', workforces_config: { workforces: [{ workforce_id: wf }] } })
    ).task_id;
    await t.client.workforceTasks.start(streets.datasetId, streets.taskId);
    // A named entity dataset of two texts, one for each labeler.
    texts.datasetId = (
      await createDataset(t, {
        type: 101,
        files: { 'p.txt': 'Hope is the thing with feathers', 'q.txt': 'Hope is the thing with feathers' },
        labels: [{ name: 'Thing', type: 101 }],
      })
    ).id;
    texts.taskId = (
      await t.client.workforceTasks.create(texts.datasetId, { task_name: 'texts', workforces_config: { workforces: [{ workforce_id: wf }] } })
    ).task_id;
    await t.client.workforceTasks.start(texts.datasetId, texts.taskId);
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
  const signInAsMember = async (email: string, task = 'pets') => {
    await page.goto(`${t.url}/sign-in`);
    await fillSignIn(page, { ...t.creds, user_name: email }, 'worker-pass-1');
    await page.waitForURL(/\/worker-tasks$/);
    await page.getByRole('link', { name: task }).click();
  };

  const shownSample = () => new URL(page.url()).searchParams.get('sample');
  const saved = () =>
    page
      .getByRole('status')
      .filter({ hasText: /^Saved$/ })
      .waitFor();

  /** Walks the member's copies in the workbench from the first, giving each the label `name` with Save and next; the names seen. */
  const labelAll = async (name: string): Promise<string[]> => {
    const seen: string[] = [];
    await page.waitForURL((u) => u.searchParams.has('sample'));
    for (;;) {
      const here = shownSample();
      await page.getByTestId('sample-name').waitFor();
      seen.push(await page.getByTestId('sample-name').innerText());
      await page.getByRole('group', { name: 'Labels' }).getByRole('button', { name }).click();
      await page.getByRole('button', { name: 'Save and next', exact: true }).click();
      await page.waitForFunction(
        (before) => new URL(location.href).searchParams.get('sample') !== before || document.body.innerText.includes('This is the last sample.'),
        here,
      );
      if (shownSample() === here) return seen;
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
      const shown = await labelAll(label);
      assert.equal(shown.length, 10, 'half of the samples: the other labeler has the rest');
      const own = await copiesOf(`${who}@example.com`);
      assert.deepEqual(shown.sort(), own.map((s) => s.sample_name).sort());
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

  test('a labeler draws a box on their detection copy in the workbench; #18 reads it back with the drawn coordinates', async () => {
    await signInAsMember('la@example.com', 'streets');
    await page.waitForURL((u) => u.searchParams.has('sample'));
    const copy = (await t.client.workforceTasks.samples(streets.datasetId, streets.taskId, { limit: 10 })).samples.find((s) =>
      s.labelers.some((l) => l.email === 'la@example.com'),
    )!;
    assert.equal(shownSample(), copy.sample_id, 'the workbench opens on their own copy');
    const { canvas, drag } = workbenchCanvas(page, 400);
    await canvas.waitFor();
    await page.getByRole('group', { name: 'Labels' }).getByRole('button', { name: 'person' }).click();
    await drag([50, 40], [150, 120]);
    await page.getByTestId('shapes').getByRole('listitem').waitFor();
    await page.keyboard.press('Control+z');
    await page.getByText('No shapes yet.').waitFor();
    await page.keyboard.press('Control+y');
    await page.getByTestId('shapes').getByRole('listitem').waitFor();
    await page.keyboard.press('Control+s');
    await saved();
    await record('worker-detection');
    const read = await t.client.workforceTasks.sample(streets.datasetId, streets.taskId, copy.sample_id, { worker_id: copy.worker_id });
    assert.deepEqual(
      read.labels.map((l) => [l.name, l.type, l.property]),
      [
        [
          'person',
          1,
          {
            '@modelarts:shape': 'bndbox',
            '@modelarts:feature': [
              [50, 40],
              [150, 120],
            ],
          },
        ],
      ],
    );
    // Their one copy: the next is past the end, and the other labeler's copy is not reachable.
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await page.getByText('This is the last sample.').waitFor();
  });

  test('a labeler marks a named entity in their text copy; #18 reads back its character span', async () => {
    await signInAsMember('la@example.com', 'texts');
    await page.waitForURL((u) => u.searchParams.has('sample'));
    const copy = (await t.client.workforceTasks.samples(texts.datasetId, texts.taskId, { limit: 10 })).samples.find((s) =>
      s.labelers.some((l) => l.email === 'la@example.com'),
    )!;
    assert.equal(shownSample(), copy.sample_id);
    await page.getByTestId('sample-text').waitFor();
    await page.evaluate(() => {
      const run = document.querySelector('[data-testid="sample-text"] [data-start="0"]')!.firstChild!;
      const range = document.createRange();
      range.setStart(run, 12);
      range.setEnd(run, 17);
      document.getSelection()!.removeAllRanges();
      document.getSelection()!.addRange(range);
    });
    await page.getByText('Selected characters 12–17').waitFor();
    await page.keyboard.press('1');
    await page.locator('mark[data-label="Thing"]', { hasText: 'thing' }).waitFor();
    await page.keyboard.press('Control+s');
    await saved();
    await record('worker-ner');
    const read = await t.client.workforceTasks.sample(texts.datasetId, texts.taskId, copy.sample_id, { worker_id: copy.worker_id });
    assert.deepEqual(
      read.labels.map((l) => [l.name, l.type, l.property]),
      [['Thing', 101, { '@modelarts:start_index': 12, '@modelarts:end_index': 17 }]],
    );
  });

  test('the reviewer sends one copy back with a comment and passes the others; its labeler fixes it', async () => {
    const sentBack = (await copiesOf('la@example.com'))[0]!;
    await join(links.get('rev')!);
    await page.getByRole('link', { name: 'pets' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    // The reviewer walks the queue in the workbench: every labeled copy, each judged once.
    const judged: string[] = [];
    for (;;) {
      await page.waitForFunction(() => new URL(location.href).searchParams.has('sample') || document.body.innerText.includes('Nothing waits for review.'));
      if (!shownSample()) break;
      const copy = `${shownSample()}/${new URL(page.url()).searchParams.get('worker')}`;
      assert.ok(!judged.includes(copy), `${copy} comes once`);
      judged.push(copy);
      await page.getByTestId('sample-name').waitFor();
      const name = await page.getByTestId('sample-name').innerText();
      if (name === sentBack.sample_name) {
        await page.getByLabel('Comment to the labeler').fill('this one is a dog');
        await record('worker-review');
        await page.getByRole('button', { name: 'Reject', exact: true }).click();
      } else await page.getByRole('button', { name: 'Pass', exact: true }).click();
      await page.waitForFunction(
        (c) => `${new URL(location.href).searchParams.get('sample')}/${new URL(location.href).searchParams.get('worker')}` !== c,
        copy,
      );
    }
    await page.getByText('Nothing waits for review.').waitFor();
    assert.equal(judged.length, SAMPLES, 'every labeled copy waited for review');
    const rejected = await t.client.workforceTasks.sample(datasetId, taskId, sentBack.sample_id, { worker_id: sentBack.worker_id });
    assert.equal(rejected.review_accept, false);
    assert.equal(rejected.review_comment, 'this one is a dog');
    assert.equal((await t.client.workforceTasks.samples(datasetId, taskId, { limit: 100, sample_state: '__REVIEWED__' })).sample_count, SAMPLES - 1);

    // The labeler finds the copy back on their list with the reviewer's comment, and fixes it.
    await signInAsMember('la@example.com');
    await page.getByLabel('Samples to go through').selectOption('__REJECTED__');
    await page.waitForURL((u) => u.searchParams.get('sample') === sentBack.sample_id);
    await page.getByTestId('copy-state').getByText('Reviewer: this one is a dog').waitFor();
    await page.getByRole('group', { name: 'Labels' }).getByRole('button', { name: 'dog' }).click();
    await page.keyboard.press('Control+s');
    await saved();
    await record('worker-fixed');
    assert.deepEqual(
      (await t.client.workforceTasks.sample(datasetId, taskId, sentBack.sample_id, { worker_id: sentBack.worker_id })).labels.map((l) => l.name),
      ['dog'],
    );

    await signInAsMember('rev@example.com');
    await page.waitForURL((u) => u.searchParams.get('sample') === sentBack.sample_id);
    assert.equal(await page.getByTestId('tags').innerText(), 'dog');
    await page.getByRole('button', { name: 'Pass', exact: true }).click();
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
    // Progress over time (GetWorkforceTaskProgress): every copy labeled, reviewed and accepted by now, per day and per hour.
    const charts = page.getByTestId('task-progress');
    await charts.getByText(`Accepted copies: ${SAMPLES}.0 of ${SAMPLES}`).waitFor();
    assert.match(await charts.innerText(), new RegExp(`Labeled copies: ${SAMPLES}\\.0 of ${SAMPLES}[\\s\\S]*Reviewed copies: ${SAMPLES}\\.0 of ${SAMPLES}`));
    await page.getByLabel('Per').selectOption('hour');
    await page.waitForURL(/interval=hour/);
    await charts.getByText(`Accepted copies: ${SAMPLES}.0 of ${SAMPLES}`).waitFor();
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
