// Two replicas' ledgers of one cluster on one database (PostgreSQL when ATELIER_TEST_DATABASE_URL is set): what one
// holds counts on the other after a refresh, and is named in its holdings; a key both hold counts once; what one
// gives back frees the other (and tells its waiting work); a replica that stops heartbeating stops counting once its
// lease expired, and a replica alone admits as it did without the ledger.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '#src/core/time.ts';
import { openDatabase, type Database } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { LeaseStore } from '#src/runtime/leases.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { silentLogger } from '#src/runtime/logger.ts';
import { PoolLedger } from '#src/runtime/pool-ledger/pool-ledger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TTL_MS = 600;
const node = () => LocalPool.dedicated([{ name: 'node-a', capacity: { cpu: 4, memoryMb: 8192 } }]);
const notebook = (id: string) => ({ kind: 'notebook' as const, id, name: `nb-${id}`, projectId: 'p1' });

describe('pool holdings shared by replicas', () => {
  let testDb: TestDatabase;
  let database: Database;

  before(async () => {
    testDb = await createTestDatabase();
    database = openDatabase(testDb.url);
    await migrateToLatest(database.db);
  });
  after(async () => {
    await database.close();
    await testDb.drop();
  });

  const replica = (id: string) => {
    const pool = node();
    const dedicated = node();
    const ledger = new PoolLedger({
      db: database.db,
      clock: systemClock,
      replica: { id, leases: new LeaseStore(database.db, systemClock), ttlMs: TTL_MS },
      log: silentLogger,
      pools: () => [
        { name: '', pool },
        { name: 'pool-x', pool: dedicated },
      ],
      refreshMs: 60_000, // refreshed by hand
    });
    return { pool, dedicated, ledger };
  };

  test("one replica's holdings count on the other, once per key, until given back", async () => {
    const a = replica('a');
    const b = replica('b');
    try {
      assert.equal(a.pool.reserve('nb-1', { cpu: 3, memoryMb: 1024 }, notebook('1')), true);
      assert.equal(a.dedicated.reserve('nb-2', { cpu: 1, memoryMb: 512 }, notebook('2')), true);
      await a.ledger.refresh();
      await b.ledger.refresh();

      assert.deepEqual(b.pool.free(), { cpu: 1, memoryMb: 7168 });
      assert.equal(b.pool.reserve('svc-1', { cpu: 2, memoryMb: 128 }), false, "A's notebook leaves 1 core");
      assert.deepEqual(b.pool.shortage('svc-1', { cpu: 2, memoryMb: 128 })?.cpu, { need: 2, free: 1 });
      const [held] = b.pool.holdings();
      assert.deepEqual(
        { key: held?.key, replica: held?.replica, holder: held?.holder, nodes: held?.placement.map((p) => p.node) },
        { key: 'nb-1', replica: 'a', holder: notebook('1'), nodes: ['node-a'] },
      );
      assert.equal(b.pool.has('nb-1'), false, "another replica's holding is not this one's to release");
      assert.deepEqual(b.pool.ownHoldings(), []);
      assert.deepEqual(b.dedicated.used(), { cpu: 1, memoryMb: 512 }, 'a dedicated pool is shared under its name');

      // Adoption under way: B holds A's key too; it counts once.
      b.pool.set('nb-1', { cpu: 3, memoryMb: 1024 }, notebook('1'));
      assert.deepEqual(b.pool.used(), { cpu: 3, memoryMb: 1024 });
      await b.ledger.refresh();
      await a.ledger.refresh();
      assert.deepEqual(a.pool.used(), { cpu: 3, memoryMb: 1024 });
      b.pool.release('nb-1');

      // Given back on A: B is told (its waiting work may start) and has the room.
      let released = 0;
      b.pool.onRelease(() => released++);
      a.pool.release('nb-1');
      await a.ledger.refresh();
      await b.ledger.refresh();
      assert.equal(released, 1);
      assert.deepEqual(b.pool.free(), { cpu: 4, memoryMb: 8192 });
      assert.equal(b.pool.reserve('svc-1', { cpu: 2, memoryMb: 128 }), true);
    } finally {
      await a.ledger.stop();
      await b.ledger.stop();
    }
  });

  test('a replica that stops heartbeating stops counting once its lease expired', async () => {
    const a = replica('c');
    const b = replica('d');
    try {
      assert.equal(a.pool.reserve('nb-3', { cpu: 4, memoryMb: 1024 }, notebook('3')), true);
      await a.ledger.refresh();
      await a.ledger.stop(); // no more heartbeats: a replica that died
      await b.ledger.refresh();
      assert.equal(b.pool.reserve('svc-2', { cpu: 1, memoryMb: 128 }), false, 'still counted within the lease');
      await sleep(TTL_MS + 100);
      await b.ledger.refresh();
      assert.deepEqual(b.pool.holdings(), []);
      assert.equal(b.pool.reserve('svc-2', { cpu: 1, memoryMb: 128 }), true);
      b.pool.release('svc-2');
    } finally {
      await b.ledger.stop(); // writes what it holds last: nothing
    }
  });

  test('a replica alone admits against its own holdings only, synchronously', async () => {
    const a = replica('e');
    try {
      await a.ledger.refresh();
      assert.equal(a.pool.reserve('nb-4', { cpu: 4, memoryMb: 8192 }), true);
      assert.equal(a.pool.reserve('nb-5', { cpu: 0.5, memoryMb: 1 }), false, 'decided at once, before any write');
      await a.ledger.refresh();
      assert.deepEqual(a.pool.used(), { cpu: 4, memoryMb: 8192 });
      const rows = await database.db.selectFrom('pool_holdings').select(['key', 'cpu', 'memory_mb']).where('replica', '=', 'e').execute();
      assert.deepEqual(
        rows.map((r) => ({ ...r, cpu: Number(r.cpu), memory_mb: Number(r.memory_mb) })),
        [{ key: 'nb-4', cpu: 4, memory_mb: 8192 }],
      );
    } finally {
      await a.ledger.stop();
    }
  });
});
