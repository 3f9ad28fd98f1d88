// The issue's example end to end, through the API only: two labelers and a reviewer invited by mail
// label 20 images, the reviewer sends one back, the owner accepts at 50 %, the labels land in the
// dataset and in a version's manifest, and a member removed from the team is shut out.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { readManifest, type ManifestSample } from '#src/formats/index.ts';
import { parseObsPath } from '#src/storage/obs-path.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { versionDone } from '../datasets/fixtures.ts';
import { createDataset, PNG } from '../samples/fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { calls } from './acceptance-fixtures.ts';

let t: TestApp;
let sink: SmtpSink;

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
  t.atelier.startBackground();
});
after(async () => {
  await t.close();
  await sink.close();
});

const LAB1 = 'lab1@example.com';
const LAB2 = 'lab2@example.com';
const REV = 'rev@example.com';
const anonymous = () => new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id });

/** Takes the mail sent to `email` among those waiting, follows its link, sets a password and signs in. */
async function joinFromMail(waiting: Map<string, string>, email: string): Promise<AtelierClient> {
  const text = waiting.get(email);
  assert.ok(text, `a mail to ${email}`);
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
  assert.ok(token, `an invitation link in the mail to ${email}`);
  await anonymous().workforces.acceptInvitation(token, `${email.split('@')[0]}-pass-1`);
  const issued = await anonymous().iam.issueToken({
    domain: t.creds.domain_name,
    user: email,
    password: `${email.split('@')[0]}-pass-1`,
    project: { id: t.creds.project_id },
  });
  return new AtelierClient(t.url, { kind: 'token', token: issued.token, projectId: t.creds.project_id });
}

test('a team labels 20 images: invited by mail, split, reviewed, accepted at 50 %, published; a removed member is refused', async () => {
  const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`img-${String(i).padStart(2, '0')}.png`, PNG]));
  const ds = await createDataset(t, { files, labels: [{ name: 'cat' }, { name: 'dog' }] });

  const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'e2e-team' });
  await t.client.workforces.createWorker(wf, { emails: `${LAB1},${LAB2}`, role: 0 });
  await t.client.workforces.createWorker(wf, { emails: REV, role: 1 });
  const { task_id: task } = await t.client.workforceTasks.create(ds.id, { task_name: 'e2e', workforces_config: { workforces: [{ workforce_id: wf }] } });
  await t.client.workforceTasks.start(ds.id, task);

  // The invitations go through SMTP; each member follows their own link.
  assert.deepEqual(await t.client.workforceTasks.sendEmails(ds.id, task, [LAB1, LAB2, REV]), {
    success: true,
    results: [{ success: true }, { success: true }, { success: true }],
  });
  const waiting = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const mail = await sink.next();
    const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
    for (const address of to) waiting.set(address, mail.text ?? '');
  }
  const lab1 = await joinFromMail(waiting, LAB1);
  const lab2 = await joinFromMail(waiting, LAB2);
  const rev = await joinFromMail(waiting, REV);

  // Each labeler sees the task and only their half of the samples, and labels it through #40.
  const share = async (who: AtelierClient) => (await who.workforceTasks.samples(ds.id, task, { limit: 100 })).samples.map((s) => s.sample_id);
  const mine1 = await share(lab1);
  const mine2 = await share(lab2);
  assert.equal(mine1.length, 10);
  assert.equal(mine2.length, 10);
  assert.equal(new Set([...mine1, ...mine2]).size, 20, 'the halves are disjoint and cover the dataset');
  for (const who of [lab1, lab2]) {
    const tasks = await who.workforceTasks.workerTasks();
    assert.deepEqual(
      tasks.worker_tasks.map((w) => [w.task_id, w.sample_stats.total_sample_count]),
      [[task, 10]],
    );
  }
  const want = new Map<string, string>([...mine1.map((s): [string, string] => [s, 'cat']), ...mine2.map((s): [string, string] => [s, 'dog'])]);
  const wrong = mine1[0]!;
  for (const [who, mine] of [
    [lab1, mine1],
    [lab2, mine2],
  ] as const) {
    const saved = await who.workforceTasks.saveLabels(ds.id, task, {
      samples: mine.map((s) => ({ sample_id: s, labels: [{ name: s === wrong ? 'dog' : want.get(s)!, type: 0 }] })),
    });
    assert.equal(saved.success, true, JSON.stringify(saved));
  }
  // Labeling by another member's share is refused item by item.
  assert.equal((await lab2.workforceTasks.saveLabels(ds.id, task, { samples: [{ sample_id: mine1[1]!, labels: [{ name: 'dog' }] }] })).success, false);

  // The reviewer sees every copy waiting for review, sends the wrong one back and passes the rest.
  const reviewer = calls(rev, { datasetId: ds.id, taskId: task, samples: [] });
  assert.equal((await rev.workforceTasks.samples(ds.id, task, { limit: 100, sample_state: '__UNREVIEWED__' })).sample_count, 20);
  await reviewer.review({
    comments: [...want.keys()].map((s) => (s === wrong ? { sample_id: s, accept: false, comment: 'this one is a cat' } : { sample_id: s, accept: true })),
  });
  const back = await lab1.workforceTasks.samples(ds.id, task, { sample_state: '__REJECTED__' });
  assert.deepEqual(
    back.samples.map((s) => [s.sample_id, s.review_comment]),
    [[wrong, 'this one is a cat']],
  );
  assert.equal((await lab2.workforceTasks.samples(ds.id, task, { sample_state: '__REJECTED__' })).sample_count, 0);
  assert.equal((await lab1.workforceTasks.saveLabels(ds.id, task, { samples: [{ sample_id: wrong, labels: [{ name: 'cat' }] }] })).success, true);
  await reviewer.review({ comments: [{ sample_id: wrong, accept: true }] });

  // The owner draws half of the reviewed copies, passes each drawn one, then passes the task.
  const owner = calls(t.client, { datasetId: ds.id, taskId: task, samples: [] });
  const { task_id: acceptance } = await owner.start({ sampling_rate: 0.5 });
  const drawn = await t.client.workforceTasks.samples(ds.id, task, { limit: 100, sample_state: '__WORKFORCE_SAMPLED__' });
  assert.equal(drawn.sample_count, 10);
  await owner.judge({ comments: drawn.samples.map((s) => ({ sample_id: s.sample_id, worker_id: s.worker_id, accept: true, score: 'A' as const })) });
  const report = await owner.report(acceptance);
  assert.equal(report.checking_stats?.sampled_sample_count, 10);
  assert.equal(report.checking_stats?.accepted_sample_count, 10);
  assert.equal(report.checking_stats?.pass_rate, 1);
  assert.equal((await owner.status({ action: 0 })).sample_count, 20);
  assert.equal((await t.client.workforceTasks.describe(ds.id, task)).status, 3);

  // The dataset holds the labels, and a version published from it carries them in its manifest.
  const inDataset = await t.client.samples.list(ds.id, { limit: 100 });
  assert.equal(inDataset.samples.length, 20);
  for (const s of inDataset.samples) {
    assert.deepEqual(
      s.labels?.map((l) => l.name),
      [want.get(s.sample_id!)],
      s.sample_id,
    );
  }
  const { version_id } = await t.client.datasets.createVersion(ds.id, { description: 'team labels' });
  const version = await versionDone(t.client, ds.id, version_id);
  assert.equal(version.annotated_sample_count, 20);
  const lines: ManifestSample[] = [];
  for await (const m of readManifest(t.atelier.context.objectStore, parseObsPath(version.manifest_path!, 'manifest'))) lines.push(m);
  assert.equal(lines.length, 20);
  const byFile = new Map(inDataset.samples.map((s) => [s.source?.split('?')[0]?.split('/').pop() ?? '', want.get(s.sample_id!)]));
  for (const line of lines) {
    const file = line.source.split('/').pop()!;
    assert.deepEqual(
      line.annotation?.map((a) => a.name),
      [byFile.get(file)],
      file,
    );
  }

  // Removed from the team, a member's next request is refused, whatever their token.
  const lab2Id = (await t.client.workforces.listWorkers(wf, { limit: 10 })).workers.find((w) => w.email === LAB2)!.worker_id;
  await t.client.workforces.deleteWorker(wf, lab2Id);
  await assert.rejects(lab2.workforceTasks.workerTasks(), apiFailure(401, 'ModelArts.0203'));
  await assert.rejects(lab2.workforceTasks.samples(ds.id, task), apiFailure(401, 'ModelArts.0203'));
  assert.equal((await lab1.workforceTasks.workerTasks()).count, 1, 'the other members keep their access');
});
