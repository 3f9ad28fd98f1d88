// The cache behind the identity lookups of every signed request and the authorization list.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { FOREIGN_WRITES_POLL_MS, ResultCache, openDatabase, type Database, type ResultCacheOptions } from '#src/db/database.ts';

/** A database whose other writers are simulated: `version` plays PRAGMA data_version. */
function fakeDatabase(version: () => number | undefined): Database {
  return { db: undefined as never, dialect: 'sqlite', foreignWrites: version, close: async () => {} };
}

const options: ResultCacheOptions = { maxEntries: 100, maxAgeMs: 60_000, unseenWriters: 'off' };

function counter() {
  const c = { reads: 0, read: async () => ++c.reads };
  return c;
}

describe('ResultCache', () => {
  test('keeps a read and serves it until its group is invalidated', async () => {
    const cache = new ResultCache<number>(
      fakeDatabase(() => 1),
      options,
    );
    const a = counter();
    assert.equal(cache.peek('p1', 'k'), undefined);
    assert.equal(await cache.get('p1', 'k', a.read), 1);
    assert.equal(await cache.get('p1', 'k', a.read), 1);
    assert.deepEqual(cache.peek('p1', 'k')?.value, 1);
    assert.equal(a.reads, 1);

    const b = counter();
    await cache.get('p2', 'k', b.read);
    cache.invalidate('p1');
    assert.equal(cache.peek('p1', 'k'), undefined, 'the written group is gone');
    assert.equal(cache.peek('p2', 'k')?.value, 1, 'another group stays');
    cache.invalidate();
    assert.equal(cache.peek('p2', 'k'), undefined, 'invalidate() drops everything');
  });

  test('values refused by `keep` are returned but not kept', async () => {
    const cache = new ResultCache<boolean>(
      fakeDatabase(() => 1),
      options,
    );
    let reads = 0;
    const read = async () => (++reads, false);
    assert.equal(await cache.get('p', 'k', read, (v) => v), false);
    assert.equal(await cache.get('p', 'k', read, (v) => v), false);
    assert.equal(reads, 2);
    assert.equal(cache.peek('p', 'k'), undefined);
  });

  test('a read that overlaps an invalidation is not kept (it may predate the write)', async () => {
    const cache = new ResultCache<string>(
      fakeDatabase(() => 1),
      options,
    );
    let finish!: (v: string) => void;
    const pending = cache.get('p', 'k', () => new Promise<string>((resolve) => (finish = resolve)));
    cache.invalidate('other-project'); // any write counts: the read cannot tell what it saw
    finish('before the write');
    assert.equal(await pending, 'before the write');
    assert.equal(cache.peek('p', 'k'), undefined);
    assert.equal(await cache.get('p', 'k', async () => 'after'), 'after');
    assert.equal(cache.peek('p', 'k')?.value, 'after');
  });

  test("another process's commit (a new data version) empties it", async () => {
    let version = 1;
    const cache = new ResultCache<number>(
      fakeDatabase(() => version),
      options,
    );
    const a = counter();
    await cache.get('p', 'k', a.read);
    version = 2;
    assert.equal(cache.peek('p', 'k'), undefined);
    assert.equal(await cache.get('p', 'k', a.read), 2);
    assert.equal(cache.peek('p', 'k')?.value, 2);
  });

  test('where other writers cannot be seen: nothing kept, or kept for maxAgeMs when bounded', async () => {
    const off = new ResultCache<number>(
      fakeDatabase(() => undefined),
      options,
    );
    const a = counter();
    await off.get('p', 'k', a.read);
    await off.get('p', 'k', a.read);
    assert.equal(a.reads, 2);

    const bounded = new ResultCache<number>(
      fakeDatabase(() => undefined),
      { ...options, unseenWriters: 'bounded' },
    );
    const b = counter();
    await bounded.get('p', 'k', b.read);
    await bounded.get('p', 'k', b.read);
    assert.equal(b.reads, 1);

    const expired = new ResultCache<number>(
      fakeDatabase(() => undefined),
      { ...options, unseenWriters: 'bounded', maxAgeMs: 0 },
    );
    await expired.get('p', 'k', b.read);
    assert.equal(expired.peek('p', 'k'), undefined, 'older than maxAgeMs');
  });

  test('holds at most maxEntries, dropping the oldest', async () => {
    const cache = new ResultCache<number>(
      fakeDatabase(() => 1),
      { ...options, maxEntries: 3 },
    );
    for (let i = 0; i < 5; i++) await cache.get(`p${i % 2}`, `k${i}`, async () => i);
    const kept = [0, 1, 2, 3, 4].filter((i) => cache.peek(`p${i % 2}`, `k${i}`) !== undefined);
    assert.equal(kept.length, 3);
    assert.ok(kept.includes(4), 'the newest is kept');
  });
});

describe('Database.foreignWrites on SQLite', () => {
  test('changes after another connection commits, not after our own writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-foreign-'));
    const file = join(dir, 'db.sqlite');
    const database = openDatabase(`sqlite:${file}`);
    const other = new SQLite(file);
    try {
      await database.db.schema.createTable('t').addColumn('x', 'integer').execute();
      await sleep(FOREIGN_WRITES_POLL_MS + 5);
      const start = database.foreignWrites();
      assert.equal(typeof start, 'number');
      await database.db
        .insertInto('t' as never)
        .values({ x: 1 } as never)
        .execute();
      await sleep(FOREIGN_WRITES_POLL_MS + 5);
      assert.equal(database.foreignWrites(), start, 'our own commit');
      other.prepare('insert into t (x) values (2)').run();
      await sleep(FOREIGN_WRITES_POLL_MS + 5);
      assert.notEqual(database.foreignWrites(), start, "the other connection's commit");
    } finally {
      other.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
