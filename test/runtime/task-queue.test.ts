import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from 'typebox';
import { openDatabase, type Database } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { systemClock } from '#src/core/time.ts';
import { defineTask, TaskPayloadError, TaskQueue, TaskWorker, type TaskDefinition } from '#src/runtime/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('durable task queue', () => {
  let testDb: TestDatabase;
  let database: Database;
  let queue: TaskQueue;
  const workers: TaskWorker[] = [];

  before(async () => {
    testDb = await createTestDatabase();
    database = openDatabase(testDb.url);
    await migrateToLatest(database.db);
    queue = new TaskQueue(database.db, systemClock);
  });
  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await database.close();
    await testDb.drop();
  });

  function worker(definitions: TaskDefinition[], opts: Partial<ConstructorParameters<typeof TaskWorker>[0]> = {}): TaskWorker {
    const w = new TaskWorker({ database, definitions, pollIntervalMs: 20, leaseMs: 300, retryBaseMs: 10, ...opts });
    workers.push(w);
    return w;
  }

  const status = async (id: string) => (await queue.get(id))!.status;

  test('a task runs once and its result is stored', async () => {
    const echo = defineTask({ name: 'echo', payload: Type.Object({ n: Type.Integer() }), run: async (p) => ({ doubled: p.n * 2 }) });
    const w = worker([echo]);
    w.start();
    const id = await queue.enqueue(echo, { n: 21 });
    await until('echo done', async () => (await status(id)) === 'succeeded');
    const row = (await queue.get(id))!;
    assert.deepEqual(JSON.parse(row.result!), { doubled: 42 });
    assert.equal(row.attempts, 1);
    assert.equal(row.lease_owner, null);
    await w.stop();
  });

  test('a bad payload is refused at enqueue and nothing is stored', async () => {
    const typed = defineTask({ name: 'typed', payload: Type.Object({ path: Type.String() }), run: async () => undefined });
    const before = await database.db
      .selectFrom('tasks')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    await assert.rejects(queue.enqueue(typed, { path: 5 } as never), TaskPayloadError);
    const afterCount = await database.db
      .selectFrom('tasks')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(afterCount.n), Number(before.n));
  });

  test('a failing task is retried, then ends failed with its error', async () => {
    let runs = 0;
    const flaky = defineTask({
      name: 'always-fails',
      payload: Type.Object({}),
      maxAttempts: 3,
      run: async () => {
        runs++;
        throw new Error(`boom ${runs}`);
      },
    });
    const w = worker([flaky]);
    w.start();
    const id = await queue.enqueue(flaky, {});
    await until('failed', async () => (await status(id)) === 'failed');
    const row = (await queue.get(id))!;
    assert.equal(runs, 3);
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, 'boom 3');
    await w.stop();
  });

  test('a task that fails once succeeds on retry', async () => {
    let runs = 0;
    const once = defineTask({
      name: 'fails-once',
      payload: Type.Object({}),
      run: async () => {
        if (++runs === 1) throw new Error('transient');
        return 'ok';
      },
    });
    const w = worker([once]);
    w.start();
    const id = await queue.enqueue(once, {});
    await until('succeeded', async () => (await status(id)) === 'succeeded');
    assert.equal((await queue.get(id))!.attempts, 2);
    await w.stop();
  });

  test('a task whose worker died is taken again after its lease expires, and not before', async () => {
    const ran: string[] = [];
    const job = defineTask({ name: 'orphaned', payload: Type.Object({}), run: async () => void ran.push('second worker') });
    const id = await queue.enqueue(job, {});
    // A worker claimed it, then died: lease set, no heartbeat will ever come.
    const leaseEnds = Date.now() + 600;
    await database.db
      .updateTable('tasks')
      .set({ status: 'running', lease_owner: 'dead-worker', lease_expires_at: leaseEnds, attempts: 1 })
      .where('id', '=', id)
      .execute();
    const w = worker([job]);
    w.start();
    await sleep(300);
    assert.deepEqual(ran, [], 'not taken while the lease holds');
    assert.equal((await queue.get(id))!.lease_owner, 'dead-worker');
    await until('taken over', async () => (await status(id)) === 'succeeded');
    assert.ok(Date.now() >= leaseEnds);
    assert.deepEqual(ran, ['second worker']);
    const row = (await queue.get(id))!;
    assert.equal(row.attempts, 2);
    await w.stop();
  });

  test('nothing runs twice concurrently: three workers, many tasks, each run exactly once', async () => {
    const runs = new Map<string, number>();
    const intervals: Array<{ id: string; start: number; end: number }> = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const work = defineTask({
      name: 'counted',
      payload: Type.Object({ id: Type.String() }),
      run: async (p) => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        const start = performance.now();
        runs.set(p.id, (runs.get(p.id) ?? 0) + 1);
        await sleep(5 + Math.random() * 10);
        intervals.push({ id: p.id, start, end: performance.now() });
        concurrent--;
      },
    });
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(await queue.enqueue(work, { id: `t${i}` }));
    const ws = [
      worker([work], { workerId: 'w1', concurrency: 3 }),
      worker([work], { workerId: 'w2', concurrency: 3 }),
      worker([work], { workerId: 'w3', concurrency: 3 }),
    ];
    for (const w of ws) w.start();
    await until(
      'all done',
      async () => {
        const rows = await database.db.selectFrom('tasks').select('status').where('id', 'in', ids).execute();
        return rows.every((r) => r.status === 'succeeded');
      },
      30_000,
    );
    await Promise.all(ws.map((w) => w.stop()));
    assert.equal(runs.size, 60);
    assert.ok(
      [...runs.values()].every((n) => n === 1),
      'each task ran exactly once',
    );
    const byId = new Map<string, Array<{ start: number; end: number }>>();
    for (const iv of intervals) byId.set(iv.id, [...(byId.get(iv.id) ?? []), iv]);
    for (const [id, list] of byId) assert.equal(list.length, 1, `${id} has one execution`);
    assert.ok(maxConcurrent > 1, 'workers really ran in parallel');
    assert.ok(maxConcurrent <= 9, 'never more than the workers allow');
    const owners = await database.db.selectFrom('tasks').select('attempts').where('id', 'in', ids).execute();
    assert.ok(owners.every((o) => o.attempts === 1));
  });

  test('heartbeats keep a long task from being taken by another worker', async () => {
    let runs = 0;
    const long = defineTask({
      name: 'long',
      payload: Type.Object({}),
      run: async () => {
        runs++;
        await sleep(1000); // more than three leases of 300 ms
      },
    });
    const a = worker([long], { workerId: 'a' });
    const b = worker([long], { workerId: 'b' });
    const id = await queue.enqueue(long, {});
    a.start();
    await until('claimed', async () => (await status(id)) === 'running');
    b.start();
    await until('done', async () => (await status(id)) === 'succeeded');
    assert.equal(runs, 1);
    await Promise.all([a.stop(), b.stop()]);
  });

  test('cancel stops a queued task and aborts a running one', async () => {
    let aborted = false;
    const slow = defineTask({
      name: 'cancellable',
      payload: Type.Object({}),
      run: async (_p, ctx) => {
        await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
        aborted = true;
      },
    });
    const queuedId = await queue.enqueue(slow, {}, { runAt: Date.now() + 60_000 });
    assert.equal(await queue.cancel(queuedId), true);
    assert.equal(await status(queuedId), 'cancelled');

    const w = worker([slow]);
    w.start();
    const id = await queue.enqueue(slow, {});
    await until('running', async () => (await status(id)) === 'running');
    assert.equal(await queue.cancel(id), true);
    await until('aborted', async () => aborted);
    assert.equal(await status(id), 'cancelled');
    assert.equal(await queue.cancel(id), false, 'already finished');
    await w.stop();
  });

  test('a stopping worker hands its task back without spending an attempt', async () => {
    const waits = defineTask({
      name: 'interrupted',
      payload: Type.Object({}),
      run: (_p, ctx) => new Promise<void>((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error))),
    });
    const w = worker([waits]);
    w.start();
    const id = await queue.enqueue(waits, {});
    await until('running', async () => (await status(id)) === 'running');
    await w.stop();
    const row = (await queue.get(id))!;
    assert.equal(row.status, 'queued');
    assert.equal(row.attempts, 0);
    assert.equal(row.lease_owner, null);
    await queue.cancel(id);
  });

  test('a dedupe key allows one unfinished task per key', async () => {
    const scan = defineTask({ name: 'scan', payload: Type.Object({}), run: async () => undefined });
    const first = await queue.enqueue(scan, {}, { dedupeKey: 'dataset-1', runAt: Date.now() + 60_000 });
    const second = await queue.enqueue(scan, {}, { dedupeKey: 'dataset-1' });
    assert.equal(second, first);
    await queue.cancel(first);
    const third = await queue.enqueue(scan, {}, { dedupeKey: 'dataset-1', runAt: Date.now() + 60_000 });
    assert.notEqual(third, first, 'a finished task no longer holds the key');
    await queue.cancel(third);
  });
});
