// Shared steps of the bucket-ownership tests: accounts, files dropped on disk, and a snapshot of a
// bucket's folder to show that a refused request changed nothing.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';

/** A 1x1 PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

export interface Account {
  client: AtelierClient;
  domainId: string;
}

/** Another account (not the server's): a client of its admin and its domain id. */
export async function tenant(t: TestApp, name: string): Promise<Account> {
  const client = await t.newTenant(name);
  return { client, domainId: (await t.atelier.context.identity.domain(name)).id };
}

/** The server's account (the bootstrap one). */
export async function ownerAccount(t: TestApp): Promise<Account> {
  return { client: t.client, domainId: (await t.atelier.context.identity.domain(t.creds.domain_name)).id };
}

/** Writes `/bucket/key` straight into the fs object store's folder, as an administrator would. */
export function dropFile(t: TestApp, path: string, content: string | Buffer): void {
  const file = join(t.config.dataDir, 'obs', path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

export const onDisk = (t: TestApp, path: string): boolean => existsSync(join(t.config.dataDir, 'obs', path));

/** Every file under the bucket's folder with its size, time and content hash. */
export function snapshot(t: TestApp, bucket: string): Record<string, string> {
  const root = join(t.config.dataDir, 'obs', bucket);
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${prefix}${name}/`] = 'dir';
        walk(p, `${prefix}${name}/`);
      } else {
        out[`${prefix}${name}`] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      }
    }
  };
  walk(root, '');
  return out;
}

/** The owner recorded for a bucket (undefined: none). */
export async function ownerOf(t: TestApp, bucket: string): Promise<string | undefined> {
  return (await t.atelier.context.buckets.list()).find((b) => b.name === bucket)?.owner_domain_id;
}

export { eventually } from '../datasets/fixtures.ts';
