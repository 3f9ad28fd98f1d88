import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { Worker, WorkerList, Workforce, WorkforceList } from '#src/modules/workforces/schemas.ts';
import type { AtelierClient } from '#src/client/index.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const BAD = 'ModelArts.0104';

let t: TestApp;
let other: AtelierClient;
before(async () => {
  t = await startTestApp();
  other = await t.newTenant('wf-other');
});
after(() => t.close());

describe('labeling teams (#41-45)', () => {
  test('create, describe, list with search, sort and pages, update, delete', async () => {
    const a = await t.client.workforces.create({ workforce_name: 'team-a', description: 'first team' });
    assert.match(a.workforce_id, /^[A-Za-z0-9]{19}$/);
    const b = await t.client.workforces.create({ workforce_name: 'team-b' });
    const c = await t.client.workforces.create({ workforce_name: 'crew_c', description: 'Night shift' });

    const desc = await t.client.workforces.describe(a.workforce_id);
    assert.ok(Value.Check(Workforce, desc));
    assert.equal(desc.workforce_name, 'team-a');
    assert.equal(desc.description, 'first team');
    assert.equal(desc.worker_count, 0);
    assert.equal(desc.workspace_id, '0');
    assert.equal(desc.create_time, desc.update_time);

    const all = await t.client.workforces.list();
    assert.ok(Value.Check(WorkforceList, all));
    assert.equal(all.total_number, 3);
    // Newest first by default.
    assert.deepEqual(
      all.workforces.map((w) => w.workforce_id),
      [c.workforce_id, b.workforce_id, a.workforce_id],
    );
    const byName = await t.client.workforces.list({ sort_by: 'workforce_name', order: 'asc' });
    assert.deepEqual(
      byName.workforces.map((w) => w.workforce_name),
      ['crew_c', 'team-a', 'team-b'],
    );
    const page1 = await t.client.workforces.list({ sort_by: 'workforce_name', order: 'asc', limit: 2, offset: 1 });
    assert.equal(page1.total_number, 3);
    assert.deepEqual(
      page1.workforces.map((w) => w.workforce_name),
      ['team-b'],
    );
    const search = await t.client.workforces.list({ search_content: 'NIGHT' });
    assert.deepEqual(
      search.workforces.map((w) => w.workforce_name),
      ['crew_c'],
    );
    const team = await t.client.workforces.list({ search_content: 'team-' });
    assert.equal(team.total_number, 2);
    // A task the project does not have uses no team.
    assert.equal((await t.client.workforces.list({ workforce_task_id: 'no-such-task' })).total_number, 0);

    assert.deepEqual(await t.client.workforces.update(b.workforce_id, { workforce_name: 'team-b2', description: 'renamed' }), {});
    const b2 = await t.client.workforces.describe(b.workforce_id);
    assert.equal(b2.workforce_name, 'team-b2');
    assert.equal(b2.description, 'renamed');
    assert.ok(b2.update_time >= b2.create_time);

    await t.client.workforces.delete(c.workforce_id);
    await assert.rejects(t.client.workforces.describe(c.workforce_id), apiFailure(404, 'ModelArts.4601', c.workforce_id));
    await assert.rejects(t.client.workforces.delete(c.workforce_id), apiFailure(404, 'ModelArts.4601'));
    assert.equal((await t.client.workforces.list()).total_number, 2);
    await t.client.workforces.delete(a.workforce_id);
    await t.client.workforces.delete(b.workforce_id);
  });

  test('a taken name, a bad name or description, and out-of-range paging are refused, nothing stored', async () => {
    await t.client.workforces.create({ workforce_name: 'dup' });
    await assert.rejects(t.client.workforces.create({ workforce_name: 'dup' }), apiFailure(400, 'ModelArts.4602', 'dup'));
    await assert.rejects(t.client.workforces.create({ workforce_name: 'has space' }), apiFailure(400, BAD, 'workforce_name'));
    await assert.rejects(t.client.workforces.create({ workforce_name: 'x'.repeat(65) }), apiFailure(400, BAD, 'workforce_name'));
    await assert.rejects(t.client.workforces.create({ workforce_name: 'ok', description: 'a<b' }), apiFailure(400, BAD, 'description'));
    await assert.rejects(t.client.workforces.create({ workforce_name: 'ok', description: 'd'.repeat(257) }), apiFailure(400, BAD, 'description'));
    await assert.rejects(t.client.workforces.list({ limit: 101 }), apiFailure(400, BAD, 'limit'));
    await assert.rejects(t.client.workforces.list({ limit: 0 }), apiFailure(400, BAD, 'limit'));
    await assert.rejects(t.client.workforces.list({ offset: -1 }), apiFailure(400, BAD, 'offset'));
    await assert.rejects(t.client.workforces.list({ sort_by: 'size' as 'create_time' }), apiFailure(400, BAD, 'sort_by'));
    const list = await t.client.workforces.list();
    assert.deepEqual(
      list.workforces.map((w) => w.workforce_name),
      ['dup'],
    );
    const other2 = await t.client.workforces.create({ workforce_name: 'dup2' });
    await assert.rejects(t.client.workforces.update(other2.workforce_id, { workforce_name: 'dup' }), apiFailure(400, 'ModelArts.4602'));
    // Renaming to its own name is no clash.
    await t.client.workforces.update(other2.workforce_id, { workforce_name: 'dup2' });
    for (const w of list.workforces) await t.client.workforces.delete(w.workforce_id);
    await t.client.workforces.delete(other2.workforce_id);
  });

  test("another project's team is a 404 on every route; its name is free here", async () => {
    const theirs = await other.workforces.create({ workforce_name: 'shared-name' });
    const id = theirs.workforce_id;
    const nf = apiFailure(404, 'ModelArts.4601');
    await assert.rejects(t.client.workforces.describe(id), nf);
    await assert.rejects(t.client.workforces.update(id, { description: 'x' }), nf);
    await assert.rejects(t.client.workforces.delete(id), nf);
    await assert.rejects(t.client.workforces.listWorkers(id), nf);
    await assert.rejects(t.client.workforces.createWorker(id, { emails: 'x@example.com', role: 0 }), nf);
    await assert.rejects(t.client.workforces.batchDeleteWorkers(id, ['a']), nf);
    assert.equal((await t.client.workforces.list()).total_number, 0);
    const mine = await t.client.workforces.create({ workforce_name: 'shared-name' });
    assert.equal((await other.workforces.describe(id)).description, '');
    await t.client.workforces.delete(mine.workforce_id);
  });
});

describe('team members (#47-53)', () => {
  test('add members with roles, list, page and sort them, describe, update, delete one and a batch', async () => {
    const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'labelers' });
    assert.deepEqual(await t.client.workforces.createWorker(wf, { emails: 'Carol@Example.com', role: 2, description: 'lead' }), {});
    await t.client.workforces.createWorker(wf, { emails: 'alice@example.com; bob@example.org', role: 0 });
    await t.client.workforces.createWorker(wf, { emails: 'dave@example.net', role: 1 });

    const list = await t.client.workforces.listWorkers(wf);
    assert.ok(Value.Check(WorkerList, list));
    assert.equal(list.total_number, 4);
    assert.equal(list.workers[list.workers.length - 1]!.email, 'carol@example.com', 'oldest last; addresses lower-cased');
    const byEmail = await t.client.workforces.listWorkers(wf, { sort_by: 'email', order: 'asc', limit: 2, offset: 1 });
    assert.deepEqual(
      byEmail.workers.map((w) => w.email),
      ['carol@example.com', 'dave@example.net'],
    );
    assert.equal((await t.client.workforces.describe(wf)).worker_count, 4);

    const carol = list.workers.find((w) => w.email === 'carol@example.com')!;
    const desc = await t.client.workforces.describeWorker(wf, carol.worker_id);
    assert.ok(Value.Check(Worker, desc));
    assert.deepEqual(
      { role: desc.role, status: desc.status, description: desc.description, workforce_id: desc.workforce_id },
      { role: 2, status: 0, description: 'lead', workforce_id: wf },
    );
    assert.match(desc.worker_id, /^[0-9a-f]{32}$/);

    assert.deepEqual(await t.client.workforces.updateWorker(wf, carol.worker_id, { role: 1, description: 'now reviews' }), {});
    const updated = await t.client.workforces.describeWorker(wf, carol.worker_id);
    assert.equal(updated.role, 1);
    assert.equal(updated.description, 'now reviews');

    // Every team of the project, filtered by role.
    const { workforce_id: wf2 } = await t.client.workforces.create({ workforce_name: 'reviewers' });
    await t.client.workforces.createWorker(wf2, { emails: 'alice@example.com', role: 1 });
    const reviewers = await t.client.workforces.listAllWorkers({ role: 1, sort_by: 'email', order: 'asc' });
    assert.deepEqual(
      reviewers.workers.map((w) => [w.email, w.workforce_id]),
      [
        ['alice@example.com', wf2],
        ['carol@example.com', wf],
        ['dave@example.net', wf],
      ],
    );
    assert.equal((await t.client.workforces.listAllWorkers()).total_number, 5);

    await t.client.workforces.deleteWorker(wf, carol.worker_id);
    await assert.rejects(t.client.workforces.describeWorker(wf, carol.worker_id), apiFailure(404, 'ModelArts.4604', carol.worker_id));
    await assert.rejects(t.client.workforces.deleteWorker(wf, carol.worker_id), apiFailure(404, 'ModelArts.4604'));
    // Once removed, the address may join again.
    await t.client.workforces.createWorker(wf, { emails: 'carol@example.com', role: 0 });

    const ids = (await t.client.workforces.listWorkers(wf, { limit: 100 })).workers.map((w) => w.worker_id);
    assert.equal(ids.length, 4);
    const batch = await t.client.workforces.batchDeleteWorkers(wf, [ids[0]!, 'no-such-worker', ids[1]!]);
    assert.equal(batch.success, false);
    assert.equal(batch.error_code, 'ModelArts.4604');
    assert.deepEqual(
      batch.results?.map((r) => r.success),
      [true, false, true],
    );
    assert.equal((await t.client.workforces.listWorkers(wf)).total_number, 2);
    const rest = await t.client.workforces.batchDeleteWorkers(wf, ids.slice(2));
    assert.deepEqual(rest, { success: true, results: [{ success: true }, { success: true }] });
    assert.equal((await t.client.workforces.describe(wf)).worker_count, 0);

    // A member of a deleted team is gone from every list.
    await t.client.workforces.delete(wf2);
    assert.equal((await t.client.workforces.listAllWorkers()).total_number, 0);
    await t.client.workforces.delete(wf);
  });

  test('bad addresses, duplicates, unknown roles and oversized batches are refused, naming the field; nothing stored', async () => {
    const { workforce_id: wf } = await t.client.workforces.create({ workforce_name: 'strict' });
    await t.client.workforces.createWorker(wf, { emails: 'one@example.com', role: 0 });
    const cases: Array<[Record<string, unknown>, number, string, string]> = [
      [{ emails: 'not-an-address', role: 0 }, 400, BAD, 'emails'],
      [{ emails: 'two@example.com, bad@', role: 0 }, 400, BAD, 'emails'],
      [{ emails: 'two@example.com\r\nBcc: evil@example.com', role: 0 }, 400, BAD, 'emails'],
      [{ emails: 'two@example.com,TWO@example.com', role: 0 }, 400, BAD, 'emails'],
      [{ emails: ' , ', role: 0 }, 400, BAD, 'emails'],
      [{ emails: Array.from({ length: 101 }, (_, i) => `u${i}@example.com`).join(','), role: 0 }, 400, BAD, 'emails'],
      [{ emails: 'ONE@example.com', role: 0 }, 400, 'ModelArts.4605', 'one@example.com'],
      [{ emails: 'two@example.com', role: 3 }, 400, BAD, 'role'],
      [{ emails: 'two@example.com', role: '2' }, 400, BAD, 'role'],
      [{ emails: 'two@example.com' }, 400, BAD, 'role'],
      [{ emails: 'two@example.com', role: 0, description: 'a&b' }, 400, BAD, 'description'],
    ];
    for (const [body, status, code, field] of cases) {
      await assert.rejects(t.client.workforces.createWorker(wf, body as { emails: string; role: 0 }), apiFailure(status, code, field), JSON.stringify(body));
    }
    const list = await t.client.workforces.listWorkers(wf);
    assert.deepEqual(
      list.workers.map((w) => w.email),
      ['one@example.com'],
    );
    const id = list.workers[0]!.worker_id;
    await assert.rejects(t.client.workforces.updateWorker(wf, id, { role: 7 as 0 }), apiFailure(400, BAD, 'role'));
    await assert.rejects(t.client.workforces.updateWorker(wf, 'nobody', { role: 1 }), apiFailure(404, 'ModelArts.4604'));
    await assert.rejects(t.client.workforces.listAllWorkers({ role: 5 as 0 }), apiFailure(400, BAD, 'role'));
    await assert.rejects(
      t.client.workforces.batchDeleteWorkers(
        wf,
        Array.from({ length: 101 }, (_, i) => `w${i}`),
      ),
      apiFailure(400, BAD, 'workers'),
    );
    await assert.rejects(t.client.workforces.batchDeleteWorkers(wf, []), apiFailure(400, BAD, 'workers'));
    assert.equal((await t.client.workforces.listWorkers(wf)).total_number, 1);

    // A member of another team is not this team's member.
    const { workforce_id: wf2 } = await t.client.workforces.create({ workforce_name: 'strict2' });
    await assert.rejects(t.client.workforces.describeWorker(wf2, id), apiFailure(404, 'ModelArts.4604'));
    await assert.rejects(t.client.workforces.deleteWorker(wf2, id), apiFailure(404, 'ModelArts.4604'));
    // Another project sees neither the member nor the team.
    await assert.rejects(other.workforces.describeWorker(wf, id), apiFailure(404, 'ModelArts.4601'));
    assert.equal((await other.workforces.listAllWorkers()).total_number, 0);
    await t.client.workforces.delete(wf);
    await t.client.workforces.delete(wf2);
  });
});
