// The data directory is the server's alone: the folder is 0700 and the files holding secrets
// (master key, bootstrap credentials, database, server log) are 0600, also when they existed with
// looser modes before.
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Files of the data directory that hold secrets, relative to it. */
export const SECRET_FILES = ['master.key', 'credentials.json', 'atelier.db', 'atelier.db-wal', 'atelier.db-shm', 'logs/atelier.log'];

function chmodIfThere(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/** Creates the data directory 0700 (or tightens it) and tightens the secret files in it. */
export function securePrivateDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dataDir, PRIVATE_DIR_MODE);
  chmodIfThere(join(dataDir, 'logs'), PRIVATE_DIR_MODE);
  for (const f of SECRET_FILES) chmodIfThere(join(dataDir, f), PRIVATE_FILE_MODE);
}
