import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { Tables } from './tables.ts';

export type Db = Kysely<Tables>;
export type DialectName = 'sqlite' | 'postgres';

export interface Database {
  db: Db;
  dialect: DialectName;
  /**
   * A number that changes once another connection (another process on the same SQLite file, the CLI
   * say) has committed, within FOREIGN_WRITES_POLL_MS; this process's own writes leave it alone.
   * Undefined where other writers cannot be seen without a round trip (PostgreSQL replicas). Result
   * caches use it to notice writes they did not make. `now` (performance.now()) saves a clock read
   * for a caller that already has one.
   */
  foreignWrites(now?: number): number | undefined;
  close(): Promise<void>;
}

// int8 (count(*), bigint columns) would otherwise arrive as strings; our values fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * better-sqlite3 with prepared statements reused per SQL text: Kysely prepares on every execution,
 * which costs more than running a small query. A statement still busy (a streaming iterator) is
 * never handed out twice.
 */
function withStatementCache(sqlite: SQLite.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const hit = cache.get(sql);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * How stale Database.foreignWrites() may be on SQLite. Reading `PRAGMA data_version` costs a read
 * transaction (two file-lock system calls and a statement); with a cache lookup or more on every
 * request it is read at most this often instead, so another process's commit is seen within it.
 */
export const FOREIGN_WRITES_POLL_MS = 10;

function dataVersionReader(sqlite: SQLite.Database): (now?: number) => number {
  const stmt = sqlite.prepare('pragma data_version').pluck();
  let value = 0;
  let readAt = -Infinity;
  return (now = performance.now()) => {
    if (now - readAt >= FOREIGN_WRITES_POLL_MS) {
      value = stmt.get() as number;
      readAt = now;
    }
    return value;
  };
}

function chmodPrivate(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Opens the database named by `sqlite:<file>` or `postgres://...`. */
export function openDatabase(url: string): Database {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // The database holds sealed keys and password hashes: the server's alone. SQLite makes its
      // -wal and -shm files with the database file's mode, so they are 0600 too.
      closeSync(openSync(file, 'a', 0o600));
      for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodPrivate(f);
    }
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', foreignWrites: dataVersionReader(sqlite), close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose connection the server ended (a restart, an administrator) emits 'error';
  // without a listener that would crash the process. The pool drops the client and the next query
  // connects anew, so there is nothing else to do.
  pool.on('error', () => undefined);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', foreignWrites: () => undefined, close: () => db.destroy() };
}

export interface ResultCacheOptions {
  /** Entries kept at most; the oldest go first. */
  maxEntries: number;
  /** Age after which an entry is read again even when nothing says it changed. */
  maxAgeMs: number;
  /**
   * Where other writers cannot be seen (PostgreSQL replicas): 'bounded' keeps entries `maxAgeMs`
   * at most (a revocation elsewhere takes that long), 'off' caches nothing.
   */
  unseenWriters: 'bounded' | 'off';
}

interface Entry<V> {
  value: V;
  version: number | undefined;
  expires: number;
}

/**
 * Query results kept in memory while they are known to be current. The writes of this process
 * call invalidate() (a group, e.g. one project, or everything); writes of other processes on the
 * same SQLite file are seen through Database.foreignWrites(). A read that overlaps an invalidation
 * is returned but not kept, so an entry never holds data older than the last write.
 */
export class ResultCache<V> {
  private readonly groups = new Map<string, Map<string, Entry<V>>>();
  private size = 0;
  private generation = 0;

  constructor(
    private readonly database: Database,
    private readonly options: ResultCacheOptions,
  ) {}

  /** The cached value, wrapped (a cached value may itself be undefined), or undefined on a miss. */
  peek(group: string, key: string): { value: V } | undefined {
    const entry = this.groups.get(group)?.get(key);
    if (!entry) return undefined;
    const now = performance.now();
    if (entry.expires <= now || entry.version !== this.database.foreignWrites(now)) {
      this.drop(group, key);
      return undefined;
    }
    return entry;
  }

  /** The cached value, or `read()`'s, kept when `keep` agrees and no write happened meanwhile. */
  async get(group: string, key: string, read: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.peek(group, key);
    if (hit) return hit.value;
    const generation = this.generation;
    const version = this.database.foreignWrites();
    const value = await read();
    if (generation === this.generation && (version !== undefined || this.options.unseenWriters === 'bounded') && keep(value)) {
      this.put(group, key, { value, version, expires: performance.now() + this.options.maxAgeMs });
    }
    return value;
  }

  /** Forgets a group, or everything; call after this process has written what the entries derive from. */
  invalidate(group?: string): void {
    this.generation++;
    if (group === undefined) {
      this.groups.clear();
      this.size = 0;
    } else {
      this.size -= this.groups.get(group)?.size ?? 0;
      this.groups.delete(group);
    }
  }

  private put(group: string, key: string, entry: Entry<V>): void {
    let entries = this.groups.get(group);
    if (!entries) this.groups.set(group, (entries = new Map()));
    if (!entries.has(key)) this.size++;
    entries.set(key, entry);
    while (this.size > this.options.maxEntries) {
      const [oldestGroup, oldest] = this.groups.entries().next().value!;
      this.drop(oldestGroup, oldest.keys().next().value!);
    }
  }

  private drop(group: string, key: string): void {
    const entries = this.groups.get(group);
    if (!entries?.delete(key)) return;
    this.size--;
    if (entries.size === 0) this.groups.delete(group);
  }
}
