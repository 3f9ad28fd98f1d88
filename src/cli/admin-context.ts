// What the admin commands work with: the server's database and identity service, opened without
// building the server (no routes, no sandbox probe, no object store unless a command needs it), so a
// command starts in a fraction of a second.
import { sql } from 'kysely';
import { IdentityStore } from '#src/auth/identity-store.ts';
import { IdentityService } from '#src/auth/identity-service.ts';
import { SecretBox, loadMasterKey } from '#src/auth/secret-box.ts';
import { ConfigError, type Config } from '#src/config.ts';
import type { AppContext } from '#src/context.ts';
import { systemClock } from '#src/core/time.ts';
import { openDatabase, type Database } from '#src/db/database.ts';
import { migrateToLatest } from '#src/db/migrate.ts';
import { notInitialised, requireServerState, shownDatabase } from './target.ts';

export interface AdminContext {
  config: Config;
  database: Database;
  identity: IdentityService;
  /** The bucket registry, with the object store it checks (loaded only for the bucket commands). */
  buckets(): Promise<AppContext['buckets']>;
}

/** Opens the server state the config names; refuses one that does not exist yet (see target.ts). */
export async function withAdminContext<T>(config: Config, fn: (ctx: AdminContext) => Promise<T>): Promise<T> {
  requireServerState(config);
  const database = openDatabase(config.databaseUrl);
  try {
    // A server has started on this database once: its migrations are recorded.
    const started = await sql`select count(*) as n from kysely_migration`.execute(database.db).then(
      () => true,
      (e: unknown) => {
        const { code, message } = e as { code?: unknown; message?: unknown };
        if (code === '42P01' || (typeof message === 'string' && /no such table/.test(message))) return false;
        const why = typeof message === 'string' && message !== '' ? message : typeof code === 'string' ? code : String(e);
        throw new ConfigError(`cannot use the database ${shownDatabase(config.databaseUrl)}: ${why}`);
      },
    );
    if (!started) throw notInitialised(config);
    await migrateToLatest(database.db);
    const secrets = new SecretBox(loadMasterKey(config.dataDir, config.masterKey));
    const identity = new IdentityService(new IdentityStore(database.db), secrets, systemClock, config.tokenTtlSeconds * 1000, database);
    const buckets = async () => {
      const [{ createObjectStore }, { BucketAccess }, { BucketStore }] = await Promise.all([
        import('#src/storage/index.ts'),
        import('#src/storage/bucket-access.ts'),
        import('#src/storage/bucket-store.ts'),
      ]);
      return new BucketAccess(new BucketStore(database.db), createObjectStore(config.objectStore), identity, database, systemClock);
    };
    return await fn({ config, database, identity, buckets });
  } finally {
    await database.close();
  }
}
