import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { calls, label, makeTeam, seedTask, type Team } from './acceptance-fixtures.ts';

let t: TestApp;
let sink: SmtpSink;
let team: Team;
let outsiders: Team;
const ANN = 'fig-ann@example.com';
const BEN = 'fig-ben@example.com';
const REV = 'fig-rev@example.com';
const OUT = 'fig-out@example.com';

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' });
  t.atelier.startBackground();
  team = await makeTeam(t, sink, 'figures-team', { [ANN]: 0, [BEN]: 0, [REV]: 1 });
  outsiders = await makeTeam(t, sink, 'figures-outsiders', { [OUT]: 0 });
});
after(async () => {
  await t.close();
  await sink.close();
});

test("DescWorkforceTask gives the label set to the task's members and the acceptance figures as the report computes them", async () => {
  const task = await seedTask(t, team, [ANN, BEN], 4, 'figures');
  const [s0, s1, s2] = task.samples as [string, string, string];
  const ann = team.as[ANN]!;
  assert.equal((await ann.workforceTasks.saveLabels(task.datasetId, task.taskId, { samples: [{ sample_id: s0, labels: [{ name: 'cat' }] }] })).success, true);
  await label(t, task, s1, 'dog');
  await label(t, task, s2, 'cat');

  const fresh = await t.client.workforceTasks.describe(task.datasetId, task.taskId, { label_stats: true });
  assert.deepEqual(
    fresh.label_stats?.map((l) => [l.name, l.count, l.sample_count]),
    [
      ['cat', 2, 2],
      ['dog', 1, 1],
    ],
  );
  assert.deepEqual([fresh.pass_rate, fresh.score, fresh.check_rate, fresh.checking_task_desc], [0, 0, 0, undefined]);
  assert.equal((await t.client.workforceTasks.describe(task.datasetId, task.taskId)).label_stats, undefined);

  // A member reads their task and its labels; a worker outside it and another project do not see it.
  const mine = await ann.workforceTasks.describe(task.datasetId, task.taskId, { label_stats: true });
  assert.deepEqual(
    mine.label_stats?.map((l) => l.name),
    ['cat', 'dog'],
  );
  await assert.rejects(outsiders.as[OUT]!.workforceTasks.describe(task.datasetId, task.taskId), apiFailure(404, 'ModelArts.4619'));
  const other = await t.newTenant('figures-other');
  await assert.rejects(other.workforceTasks.describe(task.datasetId, task.taskId), apiFailure(404, 'ModelArts.6623'));
  await assert.rejects(t.client.workforceTasks.describe(task.datasetId, 'no-such-task'), apiFailure(404, 'ModelArts.4619'));

  // A label the dataset does not have is refused, naming the field, and nothing is saved.
  await assert.rejects(
    ann.workforceTasks.saveLabels(task.datasetId, task.taskId, { samples: [{ sample_id: s0, labels: [{ name: 'cat' }, { name: 'bird' }] }] }),
    apiFailure(400, 'ModelArts.4410', 'body.samples[0].labels[1].name'),
  );
  const kept = await ann.workforceTasks.sample(task.datasetId, task.taskId, s0);
  assert.deepEqual(
    kept.labels.map((l) => l.name),
    ['cat'],
  );

  // An acceptance running: its id and figures, the same as its report.
  const reviewer = calls(team.as[REV]!, task);
  await reviewer.review({ comments: [s0, s1, s2].map((sample_id) => ({ sample_id, accept: true })) });
  const owner = calls(t.client, task);
  const { task_id: checking } = await owner.start({ sampling_num: 3 });
  await owner.judge({
    comments: [
      { sample_id: s0, accept: true, score: 'A' },
      { sample_id: s1, accept: false, score: 'C' },
    ],
  });
  const report = await owner.report(checking);
  const running = await t.client.workforceTasks.describe(task.datasetId, task.taskId);
  assert.equal(running.checking_task_desc?.checking_task_id, checking);
  assert.deepEqual(running.checking_task_desc?.checking_stats, report.checking_stats);
  assert.deepEqual(running.checking_task_desc?.total_stats, report.total_stats);
  assert.equal(running.checking_task_desc?.checking_stats.sampled_sample_count, 3);
  assert.equal(running.pass_rate, 0.5);
  assert.equal(running.score, 3);
  assert.equal(running.check_rate, 1);
  const listed = await t.client.workforceTasks.list(task.datasetId);
  assert.deepEqual(
    listed.tasks.map((x) => [x.pass_rate, x.score, x.check_rate, x.checking_task_desc?.checking_task_id]),
    [[0.5, 3, 1, checking]],
  );

  // Ended: the figures stay, the running acceptance is gone.
  await owner.status({ action: 0 });
  const ended = await t.client.workforceTasks.describe(task.datasetId, task.taskId);
  assert.equal(ended.checking_task_desc, undefined);
  assert.equal(ended.pass_rate, 0.5);
});
