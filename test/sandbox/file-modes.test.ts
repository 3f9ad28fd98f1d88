// The data directory is the server's alone: 0700, and the files holding secrets 0600, also when
// they existed with looser modes before the server started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '#src/app.ts';
import { loadConfig } from '#src/config.ts';
import { startTestApp } from '../helpers/app.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

test('a new data directory is 0700; master.key, credentials.json and the database are 0600', async () => {
  const t = await startTestApp();
  try {
    assert.equal(mode(t.config.dataDir), 0o700);
    assert.equal(mode(join(t.config.dataDir, 'master.key')), 0o600);
    assert.equal(mode(join(t.config.dataDir, 'credentials.json')), 0o600);
    if (t.config.databaseUrl.startsWith('sqlite:')) {
      const db = t.config.databaseUrl.slice('sqlite:'.length);
      assert.equal(mode(db), 0o600);
      for (const f of [`${db}-wal`, `${db}-shm`]) if (existsSync(f)) assert.equal(mode(f), 0o600, f);
    }
  } finally {
    await t.close();
  }
});

test('an existing data directory and its secret files are tightened at start-up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-modes-'));
  try {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'logs'), { mode: 0o755 });
    const files = ['master.key', 'credentials.json', 'logs/atelier.log', 'atelier.db'];
    writeFileSync(join(dir, 'master.key'), randomBytes(32).toString('base64'), { mode: 0o644 });
    writeFileSync(join(dir, 'credentials.json'), '{}', { mode: 0o644 });
    writeFileSync(join(dir, 'logs', 'atelier.log'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'atelier.db'), '', { mode: 0o644 });
    const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dir, ATELIER_LOG_LEVEL: 'silent', ATELIER_SANDBOX: 'none' }));
    try {
      assert.equal(mode(dir), 0o700);
      assert.equal(mode(join(dir, 'logs')), 0o700);
      for (const f of files) assert.equal(mode(join(dir, f)), 0o600, f);
      for (const f of ['atelier.db-wal', 'atelier.db-shm']) if (existsSync(join(dir, f))) assert.equal(mode(join(dir, f)), 0o600, f);
    } finally {
      await atelier.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
