// Which data directory and database a command works on: said on stderr by every command, and
// checked by every command but `serve`, so that a mistyped path or a forgotten variable never
// creates a new, empty server state that a command then quietly works on.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Config } from '#src/config.ts';

const HOW_TO_POINT =
  'point at the server\'s with --data-dir DIR or ATELIER_DATA_DIR (and --database-url or ATELIER_DATABASE_URL when it uses another database), or start the server there once with "atelier serve"';

/** A database URL fit to print: a PostgreSQL password is masked. */
export function shownDatabase(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export function describeTarget(config: Config): string {
  return `data directory ${config.dataDir}, database ${shownDatabase(config.databaseUrl)}`;
}

export function sqliteFile(config: Config): string | undefined {
  return config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl.slice('sqlite:'.length) : undefined;
}

/** The data directory must exist already (only `serve` makes one). */
export function requireDataDir(config: Config): void {
  if (!existsSync(config.dataDir)) throw new ConfigError(`no data directory at ${config.dataDir}; ${HOW_TO_POINT}`);
  if (!statSync(config.dataDir).isDirectory()) throw new ConfigError(`${config.dataDir} is not a directory; ${HOW_TO_POINT}`);
}

/**
 * The data directory, a SQLite database file and the master key must exist already: an admin
 * command on a new database would create one, and a new master key would not open the stored
 * secret keys. (A PostgreSQL database is checked for Atelier's tables once connected.)
 */
export function requireServerState(config: Config): void {
  requireDataDir(config);
  const file = sqliteFile(config);
  if (file !== undefined && file !== ':memory:' && !existsSync(file)) throw new ConfigError(`no database at ${file}; ${HOW_TO_POINT}`);
  if (!config.masterKey && !existsSync(join(config.dataDir, 'master.key')))
    throw new ConfigError(`no master key at ${join(config.dataDir, 'master.key')} (nor --master-key / ATELIER_MASTER_KEY); ${HOW_TO_POINT}`);
}

export function notInitialised(config: Config): ConfigError {
  return new ConfigError(`the database ${shownDatabase(config.databaseUrl)} holds no Atelier data; ${HOW_TO_POINT}`);
}
