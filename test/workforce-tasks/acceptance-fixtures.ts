// A dataset of images, a team of two labelers and a reviewer who signed in through their mailed
// invitations, and a running team labeling task over the dataset seeded into the task tables.
import assert from 'node:assert/strict';
import { AtelierClient } from '#src/client/index.ts';
import type { OperationBody, OperationQuery, OperationResult } from '#src/core/operation.ts';
import { acceptanceOperations as ops } from '#src/modules/workforce-tasks/acceptance-operations.ts';
import { workforcesModule } from '#src/modules/workforces/index.ts';
import type { TestApp } from '../helpers/app.ts';
import { createDataset, PNG } from '../samples/fixtures.ts';
import type { SmtpSink } from '../workforces/smtp-sink.ts';

export interface Team {
  workforceId: string;
  /** worker ids by e-mail */
  ids: Record<string, string>;
  /** each member's own client, signed in with the password set from the invitation */
  as: Record<string, AtelierClient>;
}

export async function makeTeam(t: TestApp, sink: SmtpSink, name: string, members: Record<string, 0 | 1>): Promise<Team> {
  const family = workforcesModule(t.atelier.context);
  const { workforce_id } = await t.client.workforces.create({ workforce_name: name });
  const team: Team = { workforceId: workforce_id, ids: {}, as: {} };
  for (const [email, role] of Object.entries(members)) await t.client.workforces.createWorker(workforce_id, { emails: email, role });
  for (const m of await family.workforces.membersOf(t.creds.project_id, workforce_id)) {
    assert.deepEqual(await family.invitations.invite([m], t.url), [{ success: true }]);
    const mail = await sink.next();
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(mail.text ?? '')![1]!;
    const anonymous = new AtelierClient(t.url, { kind: 'none', projectId: t.creds.project_id });
    await anonymous.workforces.acceptInvitation(token, 'worker-pass-1');
    const issued = await anonymous.iam.issueToken({
      domain: t.creds.domain_name,
      user: m.email,
      password: 'worker-pass-1',
      project: { id: t.creds.project_id },
    });
    team.ids[m.email] = m.worker_id;
    team.as[m.email] = new AtelierClient(t.url, { kind: 'token', token: issued.token, projectId: t.creds.project_id });
  }
  return team;
}

export interface Task {
  datasetId: string;
  taskId: string;
  /** the dataset's sample ids in list order */
  samples: string[];
}

/** A dataset of `n` images with labels cat and dog, and a running task giving its samples in turn to the labelers. */
export async function seedTask(t: TestApp, team: Team, labelers: readonly string[], n: number, name: string): Promise<Task> {
  const files = Object.fromEntries(Array.from({ length: n }, (_, i) => [`img-${String(i).padStart(3, '0')}.png`, PNG]));
  const ds = await createDataset(t, {
    files,
    labels: [
      { name: 'cat', type: 0 },
      { name: 'dog', type: 0 },
    ],
  });
  const listed = await t.client.samples.list(ds.id, { limit: 100 });
  const samples = listed.samples.map((s) => s.sample_id!).sort();
  assert.equal(samples.length, n);
  const db = t.atelier.context.database.db;
  const now = Date.now();
  const taskId = `task-${name}`;
  await db
    .insertInto('workforce_tasks')
    .values({
      id: taskId,
      project_id: t.creds.project_id,
      dataset_id: ds.id,
      name,
      description: '',
      status: 1,
      repetition: 1,
      sample_conditions: '[]',
      auto_sync_dataset: 1,
      data_sync_type: 0,
      synchronize_data: 0,
      synchronize_auto_labeling_data: 0,
      agency: null,
      version_id: null,
      checking_task_id: null,
      create_time: now,
      update_time: now,
    })
    .execute();
  for (const [email, id] of Object.entries(team.ids)) {
    await db
      .insertInto('workforce_task_workers')
      .values({
        task_id: taskId,
        worker_id: id,
        workforce_id: team.workforceId,
        email,
        role: labelers.includes(email) ? 0 : 1,
        email_status: 1,
        last_notify_time: now,
        create_time: now,
      })
      .execute();
  }
  await db
    .insertInto('workforce_task_samples')
    .values(
      samples.map((sample_id, i) => ({
        task_id: taskId,
        sample_id,
        worker_id: team.ids[labelers[i % labelers.length]!]!,
        sample_time: i,
        state: 0,
        labels: '[]',
        labeled_time: 0,
        review_accept: null,
        review_comment: null,
        review_score: null,
        reviewer_id: null,
        review_time: 0,
        update_time: now,
      })),
    )
    .execute();
  return { datasetId: ds.id, taskId, samples };
}

/** The labeler's save (#40), as its copy rows show it: labels given, waiting for review. */
export async function label(t: TestApp, task: Task, sampleId: string, name: string): Promise<void> {
  await t.atelier.context.database.db
    .updateTable('workforce_task_samples')
    .set({ labels: JSON.stringify([{ name, type: 0 }]), state: 1, labeled_time: Date.now() })
    .where('task_id', '=', task.taskId)
    .where('sample_id', '=', sampleId)
    .execute();
}

export async function copyStates(t: TestApp, task: Task): Promise<Record<string, number>> {
  const rows = await t.atelier.context.database.db
    .selectFrom('workforce_task_samples')
    .select(['sample_id', 'state'])
    .where('task_id', '=', task.taskId)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.sample_id, Number(r.state)]));
}

/** The acceptance family's calls through the typed client. */
export function calls(client: AtelierClient, task: Task) {
  const params = { dataset_id: task.datasetId, workforce_task_id: task.taskId };
  return {
    review: (body: OperationBody<typeof ops.ReviewSamples>) => client.http.op(ops.ReviewSamples, { params, body }),
    start: (body: OperationBody<typeof ops.StartWorkforceSamplingTask>) => client.http.op(ops.StartWorkforceSamplingTask, { params, body }),
    judge: (body: OperationBody<typeof ops.AcceptSamples>) => client.http.op(ops.AcceptSamples, { params, body }),
    report: (checkingTaskId: string): Promise<OperationResult<typeof ops.GetWorkforceSamplingTask>> =>
      client.http.op(ops.GetWorkforceSamplingTask, { params, query: { checking_task_id: checkingTaskId } }),
    status: (body: OperationBody<typeof ops.UpdateWorkforceSamplingTask>) => client.http.op(ops.UpdateWorkforceSamplingTask, { params, body }),
    stats: (query: OperationQuery<typeof ops.ListWorkforceTaskStats> = {}) => client.http.op(ops.ListWorkforceTaskStats, { params, query }),
    metrics: () => client.http.op(ops.GetWorkforceTaskMetrics, { params }),
  };
}
