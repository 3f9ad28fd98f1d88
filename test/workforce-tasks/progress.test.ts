// A task's progress over time (GetWorkforceTaskProgress, an Atelier extension): copies counted into
// hour buckets by when they were labeled (#40), reviewed (#39) and accepted (#34), on a moved clock.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import { acceptanceOperations as ops } from '#src/modules/workforce-tasks/acceptance-operations.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpSink, type SmtpSink } from '../workforces/smtp-sink.ts';
import { calls, makeTeam, seedTask, type Team } from './acceptance-fixtures.ts';

const HOUR = 3_600_000;
let offset = 0;
let t: TestApp;
let sink: SmtpSink;
let team: Team;
let other: AtelierClient;
/** The owner on a token: AK/SK signatures are refused once the server's clock is moved. */
let owner: AtelierClient;
const ANN = 'ann@example.com';
const BEN = 'ben@example.com';
const REV = 'rev@example.com';

before(async () => {
  sink = await startSmtpSink();
  t = await startTestApp({ ATELIER_SMTP_URL: sink.url, ATELIER_MAIL_FROM: 'Atelier <atelier@example.com>' }, { clock: { now: () => Date.now() + offset } });
  t.atelier.startBackground();
  team = await makeTeam(t, sink, 'progress-team', { [ANN]: 0, [BEN]: 0, [REV]: 1 });
  other = await t.newTenant('progress-other');
  const anonymous = new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id });
  const { token } = await anonymous.iam.issueToken({
    domain: t.creds.domain_name,
    user: t.creds.user_name,
    password: t.creds.password,
    project: { id: t.creds.project_id },
  });
  owner = new AtelierClient(t.url, { kind: 'token', token, projectId: t.creds.project_id });
});
after(async () => {
  await t.close();
  await sink.close();
});

const progress = (client: AtelierClient, datasetId: string, taskId: string, query: Record<string, unknown> = {}) =>
  client.http.op(ops.GetWorkforceTaskProgress, { params: { dataset_id: datasetId, workforce_task_id: taskId }, query });

test('progress counts labeled, reviewed and accepted copies per hour, with running totals', async () => {
  const task = await seedTask(t, team, [ANN, BEN], 4, 'progress');
  const [s0, s1, s2, s3] = task.samples as [string, string, string, string];
  const save = (who: string, ids: string[]) =>
    team.as[who]!.workforceTasks.saveLabels(task.datasetId, task.taskId, {
      samples: ids.map((sample_id) => ({ sample_id, labels: [{ name: 'cat', type: 0 }] })),
    });

  const empty = await progress(owner, task.datasetId, task.taskId, { interval: 'hour', limit: 4 });
  assert.equal(empty.total_sample_count, 4);
  assert.equal(empty.buckets.length, 4);
  assert.ok(empty.buckets.every((b) => b.labeled_total === 0 && b.reviewed_total === 0 && b.accepted_total === 0));

  // Hour 0: Ann labels her two copies. Hour 2: Ben labels his, the reviewer passes three and sends one back. Hour 3: acceptance.
  const start = Math.floor((Date.now() + offset) / HOUR) * HOUR;
  await save(ANN, [s0, s2]);
  offset += 2 * HOUR;
  await save(BEN, [s1, s3]);
  await calls(team.as[REV]!, task).review({
    comments: [
      { sample_id: s0, accept: true },
      { sample_id: s1, accept: true },
      { sample_id: s2, accept: false, comment: 'look again' },
      { sample_id: s3, accept: true },
    ],
  });
  offset += HOUR;
  const acceptance = calls(owner, task);
  await acceptance.start({ sampling_num: 1 });
  await acceptance.status({ action: 0 });

  const hours = await progress(owner, task.datasetId, task.taskId, { interval: 'hour', limit: 5 });
  assert.equal(hours.interval, 'hour');
  assert.deepEqual(
    hours.buckets.map((b) => [b.start_time - start, b.labeled, b.reviewed, b.accepted, b.labeled_total, b.reviewed_total, b.accepted_total]),
    [
      [-HOUR, 0, 0, 0, 0, 0, 0],
      [0, 2, 0, 0, 2, 0, 0],
      [HOUR, 0, 0, 0, 2, 0, 0],
      [2 * HOUR, 2, 4, 0, 4, 4, 0],
      [3 * HOUR, 0, 0, 3, 4, 4, 3],
    ],
  );
  // A window that starts after the first labeling carries it in the running totals.
  const last2 = await progress(owner, task.datasetId, task.taskId, { interval: 'hour', limit: 2 });
  assert.deepEqual(
    last2.buckets.map((b) => [b.labeled, b.labeled_total, b.reviewed_total, b.accepted_total]),
    [
      [2, 4, 4, 0],
      [0, 4, 4, 3],
    ],
  );
  // Days: by default 30 of them, everything in the last ones (the hours above may straddle midnight).
  const days = await progress(owner, task.datasetId, task.taskId);
  assert.equal(days.interval, 'day');
  assert.equal(days.buckets.length, 30);
  assert.equal(days.buckets[29]!.start_time % (24 * HOUR), 0);
  assert.deepEqual([days.buckets[29]!.labeled_total, days.buckets[29]!.reviewed_total, days.buckets[29]!.accepted_total], [4, 4, 3]);
  assert.equal(
    days.buckets.reduce((n, b) => n + b.labeled, 0),
    4,
  );

  offset = 0;
  // Bad input names the field; another project, an unknown task and a member are refused.
  await assert.rejects(progress(owner, task.datasetId, task.taskId, { interval: 'week' }), apiFailure(400, 'ModelArts.0104', 'interval'));
  await assert.rejects(progress(owner, task.datasetId, task.taskId, { limit: 0 }), apiFailure(400, 'ModelArts.0104', 'limit'));
  await assert.rejects(progress(owner, task.datasetId, task.taskId, { limit: 367 }), apiFailure(400, 'ModelArts.0104', 'limit'));
  await assert.rejects(progress(other, task.datasetId, task.taskId), (e: unknown) => apiFailure(404, 'ModelArts.6623')(e));
  await assert.rejects(progress(owner, task.datasetId, 'no-such-task'), (e: { status?: number }) => e.status === 404);
  await assert.rejects(progress(team.as[ANN]!, task.datasetId, task.taskId), (e: { status?: number }) => e.status === 403);
});
