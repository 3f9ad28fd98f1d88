// Reconcilers on several replicas sharing one database: one owner at a time per reconciler, and a
// takeover once a dead owner's lease expires (on PostgreSQL when ATELIER_TEST_DATABASE_URL is set).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { systemClock } from '#src/core/time.ts';
import { LeaseStore, ReconcilerLoop, reconcilerLease } from '#src/runtime/index.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lease store whose replica can die: after kill() it never reaches the database again. */
class MortalLeases extends LeaseStore {
  dead = false;
  override acquire(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.dead ? Promise.reject(new Error('replica is dead')) : super.acquire(name, owner, ttlMs);
  }
  override release(name: string, owner: string): Promise<void> {
    return this.dead ? Promise.reject(new Error('replica is dead')) : super.release(name, owner);
  }
}

describe('reconciler leases', () => {
  let testDb: TestDatabase;
  let database: Database;
  let leases: LeaseStore;

  before(async () => {
    testDb = await createTestDatabase();
    database = openDatabase(testDb.url);
    await migrateToLatest(database.db);
    leases = new LeaseStore(database.db, systemClock);
  });
  after(async () => {
    await database.close();
    await testDb.drop();
  });

  test('a lease is held by one owner until released or expired', async () => {
    assert.equal(await leases.acquire('x', 'a', 200), true);
    assert.equal(await leases.acquire('x', 'b', 200), false, 'held by a');
    assert.equal(await leases.acquire('x', 'a', 200), true, 'a renews');
    await leases.release('x', 'b');
    assert.equal((await leases.holder('x'))?.owner, 'a', "b cannot release a's lease");
    await leases.release('x', 'a');
    assert.equal(await leases.acquire('x', 'b', 200), true, 'free after release');
    await sleep(250);
    assert.equal(await leases.acquire('x', 'a', 200), true, 'taken over after expiry');
    assert.equal((await leases.holder('x'))?.owner, 'a');
  });

  test('many owners racing for a free lease: exactly one wins each round', async () => {
    for (let round = 0; round < 5; round++) {
      const name = `race-${round}`;
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.acquire(name, `o${i}`, 10_000)));
      assert.equal(wins.filter(Boolean).length, 1, `round ${round}: ${wins.join(',')}`);
    }
  });

  test('two loops on one database: one runs the reconciler at a time; the other takes over after the owner dies', async () => {
    const ttlMs = 600;
    let active = 0;
    let maxActive = 0;
    const runsBy = { a: 0, b: 0 };
    const reconciler = (who: 'a' | 'b') => ({
      name: 'shared',
      reconcile: async () => {
        runsBy[who]++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(30);
        active--;
      },
    });
    const mortal = new MortalLeases(database.db, systemClock);
    const a = new ReconcilerLoop(50, undefined, { leases: mortal, owner: 'replica-a', ttlMs });
    const b = new ReconcilerLoop(50, undefined, { leases, owner: 'replica-b', ttlMs });
    a.add(reconciler('a'));
    b.add(reconciler('b'));
    a.start();
    await sleep(20);
    b.start();
    await sleep(500);
    assert.equal(maxActive, 1, 'never both at once');
    assert.ok(runsBy.a >= 5, `the owner runs it (${runsBy.a})`);
    assert.equal(runsBy.b, 0, 'the other waits');
    assert.equal(a.owns('shared'), true);
    assert.equal(b.owns('shared'), false);

    // The owner dies: it stops renewing and never releases.
    mortal.dead = true;
    const diedAt = Date.now();
    const before = runsBy.a;
    while (runsBy.b === 0) {
      assert.ok(Date.now() - diedAt < ttlMs + 1000, 'taken over within the lease TTL and a pass');
      await sleep(10);
    }
    const waited = Date.now() - diedAt;
    assert.ok(waited >= ttlMs - 100, `not before the lease expired (${waited} ms)`);
    assert.equal(runsBy.a, before, 'the dead owner ran nothing more');
    assert.equal((await leases.holder(reconcilerLease('shared')))?.owner, 'replica-b');
    await a.stop();
    await b.stop();
    assert.equal(await leases.holder(reconcilerLease('shared')), undefined, 'a graceful stop hands the lease back');
  });

  test('a graceful stop hands over at once, and a pass longer than the TTL keeps its lease', async () => {
    const ttlMs = 300;
    const seen: string[] = [];
    const slow = (who: string) => ({
      name: 'slow',
      reconcile: async () => {
        seen.push(`${who}+`);
        await sleep(who === 'a' ? 800 : 5);
        seen.push(`${who}-`);
      },
    });
    const a = new ReconcilerLoop(50, undefined, { leases, owner: 'slow-a', ttlMs });
    const b = new ReconcilerLoop(50, undefined, { leases, owner: 'slow-b', ttlMs });
    a.add(slow('a'));
    b.add(slow('b'));
    a.start();
    await sleep(20);
    b.start();
    await sleep(600);
    assert.deepEqual(seen, ['a+'], 'b did not start while the long pass renewed the lease');
    await a.stop();
    const stoppedAt = Date.now();
    while (!seen.includes('b+')) {
      assert.ok(Date.now() - stoppedAt < ttlMs, 'taken over before the TTL: the lease was released');
      await sleep(5);
    }
    await b.stop();
    assert.deepEqual(seen.slice(0, 3), ['a+', 'a-', 'b+']);
  });
});
