import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { calls, copyStates, label, makeTeam, seedTask, type Team } from './acceptance-fixtures.ts';

let t: TestApp;
let sink: SmtpSink;
let team: Team;
const ANN = 'ann@example.com';
const BEN = 'ben@example.com';
const REV = 'rev@example.com';

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
  t.atelier.startBackground();
  team = await makeTeam(t, sink, 'acceptance-team', { [ANN]: 0, [BEN]: 0, [REV]: 1 });
});
after(async () => {
  await t.close();
  await sink.close();
});

test('review passes or sends back copies; acceptance draws, judges, reports and passes labels into the dataset', async () => {
  const task = await seedTask(t, team, [ANN, BEN], 6, 'flow');
  const owner = calls(t.client, task);
  const [s0, s1, s2, s3, s4, s5] = task.samples as [string, string, string, string, string, string];

  // Nothing reviewed yet: no acceptance can start.
  await assert.rejects(owner.start({ sampling_rate: 0.5 }), apiFailure(400, 'ModelArts.4625'));

  for (const s of [s0, s1, s2, s3, s4]) await label(t, task, s, s === s1 ? 'dog' : 'cat');
  const reviewer = calls(team.as[REV]!, task);
  // A labeler, and the owner, are no reviewers.
  await assert.rejects(calls(team.as[ANN]!, task).review({ comments: [{ sample_id: s0, accept: true }] }), apiFailure(403, 'ModelArts.4600'));
  await assert.rejects(owner.review({ comments: [{ sample_id: s0, accept: true }] }), apiFailure(403, 'ModelArts.4600'));
  // Bad input stores nothing.
  await assert.rejects(reviewer.review({ comments: [{ sample_id: s0, accept: true, score: 'E' as 'A' }] }), apiFailure(400, 'ModelArts.0104', 'score'));
  await assert.rejects(reviewer.review({ comments: [{ sample_id: s0, accept: true, comment: 'a<b' }] }), apiFailure(400, 'ModelArts.0104', 'comment'));
  await assert.rejects(reviewer.review({ comments: [] }), apiFailure(400, 'ModelArts.0104', 'body.comments'));
  await assert.rejects(reviewer.review({ comments: [{ accept: true }] }), apiFailure(400, 'ModelArts.0104', 'sample_id'));
  await assert.rejects(reviewer.review({ comments: [{ sample_id: 'nope', accept: true }] }), apiFailure(404, 'ModelArts.4338'));
  // s5 is not labeled: the whole request is refused, s0 untouched.
  await assert.rejects(
    reviewer.review({
      comments: [
        { sample_id: s0, accept: true },
        { sample_id: s5, accept: true },
      ],
    }),
    apiFailure(400, 'ModelArts.0104', 'body.comments[1]'),
  );
  assert.equal((await copyStates(t, task))[s0], 1);

  assert.deepEqual(
    await reviewer.review({
      comments: [
        { sample_id: s0, worker_id: team.ids[ANN]!, accept: true, score: 'A' },
        { sample_id: s1, accept: true },
        { sample_id: s2, accept: false, comment: 'the cat is a fox', score: 'D' },
        { sample_id: s3, accept: true },
      ],
    }),
    {},
  );
  let states = await copyStates(t, task);
  assert.deepEqual([states[s0], states[s1], states[s2], states[s3], states[s4], states[s5]], [3, 3, 2, 3, 1, 0]);
  const back = await t.atelier.context.database.db
    .selectFrom('workforce_task_samples')
    .selectAll()
    .where('task_id', '=', task.taskId)
    .where('sample_id', '=', s2)
    .executeTakeFirstOrThrow();
  assert.equal(back.review_comment, 'the cat is a fox');
  assert.equal(back.worker_id, team.ids[ANN], 'a rejected copy stays with its labeler');
  await assert.rejects(reviewer.review({ comments: [{ sample_id: s0, accept: false }] }), apiFailure(400, 'ModelArts.0104', 'not waiting for review'));

  // Statistics and progress come from the copies; the sample facts from the task's samples.
  await t.client.samples.updateLabels(task.datasetId, {
    samples: [
      { sample_id: s4, metadata: { '@modelarts:hard': 1, '@modelarts:hard_reasons': [1, 3], group: 'g1' } },
      { sample_id: s5, metadata: { group: 'g1' } },
    ],
  });
  const stats = await owner.stats();
  assert.deepEqual(stats.sample_stats, { total: 6, un_annotation: 1, unreviewed: 1, uncheck: 3, accepted: 0, rejected: 1, auto_annotation: 0 });
  assert.deepEqual(stats.key_sample_stats, { total: 6, non_key_sample: 5, key_sample: 1 });
  assert.deepEqual(
    Object.entries(stats.hard_detail_stats).map(([id, p]) => [id, p.key, p.value.id]),
    [
      ['1', 1, 1],
      ['3', 1, 3],
    ],
  );
  assert.deepEqual(stats.metadata_stats.group, { g1: 2 });
  assert.match(stats.data_path, /^\/[^/]+\/.+\/$/);
  // dog is on one copy only: the labeled copies cannot be split into two sets yet.
  assert.equal(stats.data_spliting_enable, false);
  assert.deepEqual(Object.keys(stats.grouped_label_stats), ['0']);
  assert.deepEqual(
    stats.label_stats.map((l) => [l.name, l.count, l.sample_count]),
    [
      ['cat', 4, 4],
      ['dog', 1, 1],
    ],
  );
  const reviewed = await owner.stats({ sample_state: '__reviewed__' });
  assert.deepEqual(
    reviewed.label_stats.map((l) => [l.name, l.count]),
    [
      ['cat', 2],
      ['dog', 1],
    ],
  );
  const metrics = await owner.metrics();
  assert.deepEqual(metrics.sample_stats[ANN], { total: 3, un_annotation: 0, unreviewed: 1, uncheck: 1, accepted: 0, rejected: 1, auto_annotation: 0 });
  assert.deepEqual(metrics.sample_stats[BEN], { total: 3, un_annotation: 1, unreviewed: 0, uncheck: 2, accepted: 0, rejected: 0, auto_annotation: 0 });

  // Acceptance: bad input, then a drawing of 2 of the 3 reviewed copies.
  await assert.rejects(owner.start({}), apiFailure(400, 'ModelArts.0104', 'sampling'));
  await assert.rejects(owner.start({ sampling_rate: 0 }), apiFailure(400, 'ModelArts.0104', 'sampling_rate'));
  await assert.rejects(owner.start({ sampling_rate: 1.5 }), apiFailure(400, 'ModelArts.0104', 'sampling_rate'));
  await assert.rejects(owner.start({ sampling_rate: 0.5, sampling_num: 1 }), apiFailure(400, 'ModelArts.0104', 'not both'));
  await assert.rejects(owner.judge({ comments: [{ sample_id: s0, accept: true }] }), apiFailure(400, 'ModelArts.4624'));
  const { task_id: acc } = await owner.start({ sampling_rate: 0.5 });
  await assert.rejects(owner.start({ sampling_num: 1 }), apiFailure(400, 'ModelArts.4623'));
  const drawn = (
    await t.atelier.context.database.db.selectFrom('workforce_acceptance_samples').select('sample_id').where('acceptance_id', '=', acc).execute()
  ).map((r) => r.sample_id);
  assert.equal(drawn.length, 2);
  assert.ok(drawn.every((s) => [s0, s1, s3].includes(s)));
  const notDrawn = [s0, s1, s3].find((s) => !drawn.includes(s))!;
  await assert.rejects(owner.judge({ comments: [{ sample_id: notDrawn, accept: true }] }), apiFailure(404, 'ModelArts.4338'));
  assert.deepEqual(await owner.judge({ comments: [{ sample_id: drawn[0]!, accept: true, score: 'A', comment: 'fine' }] }), {});

  const report = await owner.report(acc);
  assert.deepEqual(report.checking_stats, {
    task_id: acc,
    accepted_sample_count: 1,
    checked_sample_count: 1,
    pass_rate: 1,
    rejected_sample_count: 0,
    sampled_sample_count: 2,
    sampling_num: 2,
    sampling_rate: 2 / 3,
    score: 'A',
    total_sample_count: 3,
    total_score: 4,
    unchecked_sample_count: 1,
  });
  await assert.rejects(owner.report('unknown'), apiFailure(404, 'ModelArts.4612'));
  assert.equal(
    (await owner.stats({ sample_state: '__WORKFORCE_SAMPLED_ACCEPTED__' })).label_stats.reduce((a, l) => a + l.count, 0),
    1,
  );

  // The second drawn copy refused, then pass what the check did not refuse (action 4).
  await owner.judge({ comments: [{ sample_id: drawn[1]!, accept: false, score: 'C' }] });
  const passed = await owner.status({ action: 4 });
  assert.equal(passed.sample_count, 2);
  states = await copyStates(t, task);
  assert.equal(states[drawn[1]!], 5, 'refused back to its labeler');
  assert.equal(states[drawn[0]!], 4);
  assert.equal(states[notDrawn], 4);
  for (const s of [drawn[0]!, notDrawn]) {
    const sample = await t.client.samples.describe(task.datasetId, s);
    assert.deepEqual(
      sample.labels?.map((l) => l.name),
      [s === s1 ? 'dog' : 'cat'],
    );
  }
  assert.equal((await t.client.samples.describe(task.datasetId, drawn[1]!)).labels?.length ?? 0, 0, 'a refused copy stays out of the dataset');
  const task1 = await t.atelier.context.database.db.selectFrom('workforce_tasks').selectAll().where('id', '=', task.taskId).executeTakeFirstOrThrow();
  assert.equal(task1.status, 1, 'copies left to label keep the task running');
  assert.equal(task1.checking_task_id, null);
  await assert.rejects(owner.status({ action: 0 }), apiFailure(400, 'ModelArts.4624'));
  const total = (await owner.report(acc)).total_stats!;
  assert.equal(total.pass_rate, 0.5);
  assert.equal(total.score, 'B');
});

test('reject all sends the copies back; cancel leaves them; pass keeps labels the dataset has unless told to overwrite', async () => {
  const task = await seedTask(t, team, [ANN], 3, 'actions');
  const owner = calls(t.client, task);
  const [s0, s1, s2] = task.samples as [string, string, string];
  for (const s of task.samples) await label(t, task, s, 'dog');
  await calls(team.as[REV]!, task).review({ comments: task.samples.map((sample_id) => ({ sample_id, accept: true })) });

  await owner.start({ sampling_num: 1 });
  assert.deepEqual(await owner.status({ action: 2 }), {});
  assert.deepEqual(Object.values(await copyStates(t, task)), [3, 3, 3]);

  await owner.start({ sampling_num: 1 });
  await owner.status({ action: 1 });
  assert.deepEqual(Object.values(await copyStates(t, task)), [5, 5, 5]);
  const rejected = await t.atelier.context.database.db.selectFrom('workforce_tasks').select('status').where('id', '=', task.taskId).executeTakeFirstOrThrow();
  assert.equal(rejected.status, 4);

  // Labeled again and reviewed; the dataset already labels s0 as cat.
  for (const s of task.samples) await label(t, task, s, 'dog');
  await calls(team.as[REV]!, task).review({ comments: task.samples.map((sample_id) => ({ sample_id, accept: true })) });
  await t.client.samples.updateLabels(task.datasetId, { samples: [{ sample_id: s0, labels: [{ name: 'cat', type: 0 }] }] });
  await owner.start({ sampling_num: 3 });
  assert.equal((await owner.status({ action: 3 })).sample_count, 0, 'one copy per sample: nothing conflicts');
  await assert.rejects(owner.status({ action: 9 as 0 }), apiFailure(400, 'ModelArts.0104', 'action'));
  assert.equal((await owner.status({ action: 0 })).sample_count, 2);
  assert.deepEqual(
    (await t.client.samples.describe(task.datasetId, s0)).labels?.map((l) => l.name),
    ['cat'],
  );
  assert.deepEqual(
    (await t.client.samples.describe(task.datasetId, s1)).labels?.map((l) => l.name),
    ['dog'],
  );
  const done = await t.atelier.context.database.db.selectFrom('workforce_tasks').select('status').where('id', '=', task.taskId).executeTakeFirstOrThrow();
  assert.equal(done.status, 3, 'every copy accepted: the task is accepted');
  void s2;
});

test('with auto_sync_dataset false a passed acceptance keeps the labels in the task; data_sync_type 2 writes them', async () => {
  for (const [name, settings, intoDataset] of [
    ['kept', { auto_sync_dataset: 0, data_sync_type: 0 }, false],
    ['labels', { auto_sync_dataset: 0, data_sync_type: 2 }, true],
  ] as const) {
    const task = await seedTask(t, team, [ANN], 2, name);
    await t.atelier.context.database.db.updateTable('workforce_tasks').set(settings).where('id', '=', task.taskId).execute();
    const owner = calls(t.client, task);
    for (const s of task.samples) await label(t, task, s, 'dog');
    await calls(team.as[REV]!, task).review({ comments: task.samples.map((sample_id) => ({ sample_id, accept: true })) });
    await owner.start({ sampling_num: 1 });
    assert.equal((await owner.status({ action: 0 })).sample_count, 2);
    assert.deepEqual(Object.values(await copyStates(t, task)), [4, 4], name);
    for (const s of task.samples) {
      const labels = (await t.client.samples.describe(task.datasetId, s)).labels?.map((l) => l.name) ?? [];
      assert.deepEqual(labels, intoDataset ? ['dog'] : [], name);
    }
  }
});

test("another project's task is not found; workers call no owner route", async () => {
  const task = await seedTask(t, team, [ANN], 1, 'isolated');
  const other = calls(await t.newTenant('acc-other'), task);
  await assert.rejects(other.stats(), apiFailure(404, 'ModelArts.6623'));
  await assert.rejects(other.start({ sampling_num: 1 }), (e) => [404].includes((e as { status: number }).status));
  await assert.rejects(other.metrics(), (e) => (e as { status: number }).status === 404);
  await assert.rejects(calls(t.client, { ...task, taskId: 'no-such-task' }).metrics(), apiFailure(404, 'ModelArts.4619'));
  await assert.rejects(calls(team.as[REV]!, task).stats(), (e) => (e as { status: number }).status === 403);
});
