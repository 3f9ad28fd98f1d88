import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { createDataset, PNG, putFile } from '../samples/fixtures.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';

let t: TestApp;
let sink: SmtpSink;
let other: AtelierClient;

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
  t.atelier.startBackground();
  other = await t.newTenant('wft-other');
});
after(async () => {
  await t.close();
  await sink.close();
});

const anonymous = () => new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id });
const asToken = (token: string) => new AtelierClient(t.url, { kind: 'token', token, projectId: t.creds.project_id });

/** Follows the invitation mail's link, sets a password and signs in: a client as that member. */
async function signInFromMail(email: string): Promise<AtelierClient> {
  const mail = await sink.next();
  assert.match(JSON.stringify(mail.to), new RegExp(email.replace('.', '\\.')));
  const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]!;
  await anonymous().workforces.acceptInvitation(token, 'worker-pass-1');
  const issued = await anonymous().iam.issueToken({ domain: t.creds.domain_name, user: email, password: 'worker-pass-1', project: { id: t.creds.project_id } });
  return asToken(issued.token);
}

test('a task splits the samples among the labelers; started, each member sees and labels only their own copies', async () => {
  const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`${i}.jpg`, PNG]));
  const ds = await createDataset(t, { type: 0, files, labels: [{ name: 'cat' }] });
  const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'task-team' });
  await t.client.workforces.createWorker(wf, { emails: 'l1@example.com,l2@example.com', role: 0 });

  // bad input: more copies per sample than labelers, no team, another project's dataset
  await assert.rejects(
    t.client.workforceTasks.create(ds.id, { task_name: 'too-many', repetition: 3, workforces_config: { workforces: [{ workforce_id: wf }] } }),
    apiFailure(400, 'ModelArts.0104', 'repetition'),
  );
  await assert.rejects(t.client.workforceTasks.create(ds.id, { task_name: 'no-team' }), apiFailure(400, 'ModelArts.0104', 'workforces'));
  await assert.rejects(
    other.workforceTasks.create(ds.id, { task_name: 'x', workforces_config: { workforces: [{ workforce_id: wf }] } }),
    apiFailure(404, 'ModelArts.6623'),
  );

  const { task_id: task } = await t.client.workforceTasks.create(ds.id, { task_name: 'cats', workforces_config: { workforces: [{ workforce_id: wf }] } });
  await assert.rejects(
    t.client.workforceTasks.create(ds.id, { task_name: 'cats', workforces_config: { workforces: [{ workforce_id: wf }] } }),
    apiFailure(400, 'ModelArts.4620'),
  );
  const created = await t.client.workforceTasks.describe(ds.id, task, { sample_stats: true, workforce_stats: true });
  assert.equal(created.status, 6);
  assert.equal(created.sample_stats?.total_sample_count, 6);
  assert.deepEqual(
    created.worker_stats?.map((w) => w.sample_stats.total_sample_count),
    [3, 3],
  );
  assert.equal((await t.client.workforceTasks.list(ds.id)).count, 1);
  await t.client.workforceTasks.update(ds.id, task, { task_name: 'cats-and-dogs', description: 'pets, by two labelers' });
  const renamed = await t.client.workforceTasks.describe(ds.id, task);
  assert.equal(renamed.task_name, 'cats-and-dogs');
  assert.equal(renamed.description, 'pets, by two labelers');
  await assert.rejects(other.workforceTasks.describe(ds.id, task), apiFailure(404, 'ModelArts.6623'));

  // SendEmails invites both through SMTP; they sign in from the mail
  assert.deepEqual(await t.client.workforceTasks.sendEmails(ds.id, task, ['l1@example.com', 'l2@example.com']), {
    success: true,
    results: [{ success: true }, { success: true }],
  });
  const l1 = await signInFromMail('l1@example.com');
  const l2 = await signInFromMail('l2@example.com');

  // not started: the members do not see it
  assert.equal((await l1.workforceTasks.workerTasks()).count, 0);
  await t.client.workforceTasks.start(ds.id, task);
  await assert.rejects(t.client.workforceTasks.start(ds.id, task), apiFailure(400, 'ModelArts.0104'));
  const mine = await l1.workforceTasks.workerTasks();
  assert.equal(mine.count, 1);
  assert.equal(mine.worker_tasks[0]?.task_id, task);
  assert.equal(mine.worker_tasks[0]?.sample_stats.total_sample_count, 3);

  const own1 = await l1.workforceTasks.samples(ds.id, task, { limit: 100 });
  const own2 = await l2.workforceTasks.samples(ds.id, task, { limit: 100 });
  assert.equal(own1.sample_count, 3);
  assert.equal(own2.sample_count, 3);
  const ids1 = own1.samples.map((s) => s.sample_id);
  assert.ok(
    own2.samples.every((s) => !ids1.includes(s.sample_id)),
    'the split gives each sample to one labeler',
  );
  // a member asking for another member's copies still gets their own only
  assert.equal((await l1.workforceTasks.samples(ds.id, task, { worker_id: own2.samples[0]!.worker_id })).sample_count, 3);
  await assert.rejects(l1.workforceTasks.sample(ds.id, task, own2.samples[0]!.sample_id), apiFailure(404, 'ModelArts.4338'));
  // a worker calling an API that is not a worker route is refused
  await assert.rejects(l1.datasets.list(), apiFailure(403, 'ModelArts.4600'));
  assert.equal((await t.client.workforceTasks.samples(ds.id, task, { limit: 100 })).sample_count, 6);

  // labels stay in the task, per member
  const target = own1.samples[0]!.sample_id;
  const saved = await l1.workforceTasks.saveLabels(ds.id, task, { samples: [{ sample_id: target, labels: [{ name: 'cat' }] }] });
  assert.equal(saved.success, true);
  const refused = await l2.workforceTasks.saveLabels(ds.id, task, { samples: [{ sample_id: target, labels: [{ name: 'cat' }] }] });
  assert.equal(refused.success, false);
  const copy = await l1.workforceTasks.sample(ds.id, task, target);
  assert.deepEqual(
    copy.labels.map((l) => l.name),
    ['cat'],
  );
  assert.equal(copy.labelers.length, 1);
  // the spec's sample_state filters pick the copies by where they stand
  assert.deepEqual(
    (await l1.workforceTasks.samples(ds.id, task, { sample_state: '__ALL__' })).samples.map((s) => s.sample_id),
    [target],
  );
  assert.equal((await l1.workforceTasks.samples(ds.id, task, { sample_state: '__NONE__' })).sample_count, 2);
  assert.equal((await t.client.workforceTasks.samples(ds.id, task, { sample_state: '__all__' })).sample_count, 1);
  await assert.rejects(t.client.workforceTasks.samples(ds.id, task, { sample_state: '__unannotated__' as never }), apiFailure(400, 'ModelArts.0104'));
  const inDataset = await t.client.samples.describe(ds.id, target);
  assert.deepEqual(inDataset.labels, [], 'the dataset keeps its own labels until acceptance');

  // deleting withdraws it
  await t.client.workforceTasks.delete(ds.id, task);
  assert.equal((await l1.workforceTasks.workerTasks()).count, 0);
  await assert.rejects(l1.workforceTasks.samples(ds.id, task), apiFailure(404, 'ModelArts.4619'));
});

test('with repetition 2 each sample goes to two distinct labelers, and both labelings are kept', async () => {
  const ds = await createDataset(t, { type: 0, files: { 'a.jpg': PNG, 'b.jpg': PNG, 'c.jpg': PNG }, labels: [{ name: 'cat' }, { name: 'dog' }] });
  const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'rep-team' });
  await t.client.workforces.createWorker(wf, { emails: 'r1@example.com,r2@example.com,r3@example.com', role: 0 });
  const { task_id: task } = await t.client.workforceTasks.create(ds.id, {
    task_name: 'rep',
    repetition: 2,
    workforces_config: { workforces: [{ workforce_id: wf }] },
  });
  await t.client.workforceTasks.start(ds.id, task);
  const all = await t.client.workforceTasks.samples(ds.id, task, { limit: 100 });
  assert.equal(all.sample_count, 6);
  const bySample = new Map<string, string[]>();
  for (const s of all.samples) bySample.set(s.sample_id, [...(bySample.get(s.sample_id) ?? []), s.worker_id]);
  for (const workers of bySample.values()) assert.equal(new Set(workers).size, 2);
  const counts = new Map<string, number>();
  for (const s of all.samples) counts.set(s.worker_id, (counts.get(s.worker_id) ?? 0) + 1);
  assert.deepEqual([...counts.values()], [2, 2, 2]);
});

test('synchronize_data: samples added to the dataset later join a running task; a task without it keeps its samples', async () => {
  const ds = await createDataset(t, { type: 0, files: { 'a.jpg': PNG, 'b.jpg': PNG }, labels: [{ name: 'cat' }] });
  const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'sync-team' });
  await t.client.workforces.createWorker(wf, { emails: 's1@example.com,s2@example.com', role: 0 });
  const config = { workforces_config: { workforces: [{ workforce_id: wf }] } };
  const { task_id: synced } = await t.client.workforceTasks.create(ds.id, { task_name: 'synced', synchronize_data: true, ...config });
  const { task_id: fixed } = await t.client.workforceTasks.create(ds.id, { task_name: 'fixed', ...config });
  await t.client.workforceTasks.start(ds.id, synced);
  await t.client.workforceTasks.start(ds.id, fixed);
  const count = async (task: string) => (await t.client.workforceTasks.samples(ds.id, task, { limit: 100 })).sample_count;
  assert.equal(await count(synced), 2);

  for (const name of ['c.jpg', 'd.jpg', 'e.jpg']) putFile(t, `${ds.input}${name}`, PNG);
  await t.client.samples.upload(ds.id, { samples: ['c.jpg', 'd.jpg', 'e.jpg'].map((n) => ({ data_source: { data_path: `${ds.input}${n}` } })) });
  const until = Date.now() + 15_000;
  while ((await count(synced)) < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  const copies = await t.client.workforceTasks.samples(ds.id, synced, { limit: 100 });
  assert.equal(copies.sample_count, 5);
  const perWorker = new Map<string, number>();
  for (const c of copies.samples) perWorker.set(c.worker_id, (perWorker.get(c.worker_id) ?? 0) + 1);
  assert.deepEqual([...perWorker.values()].sort(), [2, 3], 'the newcomers continue the even split');
  assert.equal(await count(fixed), 2);
});

test('SendEmails without SMTP names the setting and marks nothing', async () => {
  const bare = await startTestApp({ ATELIER_SMTP_URL: '' });
  bare.atelier.startBackground();
  try {
    const ds = await createDataset(bare, { type: 0, files: { 'a.jpg': PNG } });
    const { workforce_id: wf } = await bare.client.workforces.create({ workforce_name: 'mail-less' });
    await bare.client.workforces.createWorker(wf, { emails: 'm@example.com', role: 0 });
    const { task_id: task } = await bare.client.workforceTasks.create(ds.id, { task_name: 'm', workforces_config: { workforces: [{ workforce_id: wf }] } });
    await assert.rejects(bare.client.workforceTasks.sendEmails(ds.id, task, ['m@example.com']), apiFailure(400, 'ModelArts.4603', 'ATELIER_SMTP_URL'));
    const d = await bare.client.workforceTasks.describe(ds.id, task, { workforce_stats: true });
    assert.equal(d.worker_stats?.[0]?.email_status, 0);
    assert.equal(d.workforces_config.workforces[0]?.workers[0]?.status, 0);
  } finally {
    await bare.close();
  }
});
