// Two servers on one database (replicas, or a server and the CLI): an ownership change made by one
// reaches the other's cache at once on SQLite, and within BUCKET_CACHE_MS on PostgreSQL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { BUCKET_CACHE_MS } from '#src/storage/bucket-access.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { ownerAccount, tenant, type Account } from './fixtures.ts';

let t: TestApp;
let replica: AtelierApp;
let owner: Account;
let b: Account;

before(async () => {
  t = await startTestApp();
  replica = await buildApp(t.config);
  owner = await ownerAccount(t);
  b = await tenant(t, 'bkt-rep-b');
});
after(async () => {
  await replica.close();
  await t.close();
});

/** How long until the replica refuses what it allowed, after `change` ran on the first server. */
async function takesEffect(allowedBefore: () => Promise<boolean>, change: () => Promise<void>): Promise<number> {
  assert.ok(await allowedBefore(), 'allowed before (and cached by the replica)');
  await change();
  const start = performance.now();
  while (await allowedBefore()) {
    assert.ok(performance.now() - start < BUCKET_CACHE_MS + 2000, 'the change reached the replica in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - start;
}

test('a claim and a revoke on one server reach the other within the bound', async (ctx) => {
  const first = t.atelier.context.buckets;
  const other = replica.context.buckets;
  const bound = t.config.databaseUrl.startsWith('sqlite:') ? 500 : BUCKET_CACHE_MS + 1000;

  // The replica has seen no owner for the bucket: the server's account may read it.
  const ownerReads = () => other.allows({ domainId: owner.domainId }, 'rep-bkt');
  const claimed = await takesEffect(ownerReads, () => first.check({ domainId: b.domainId }, 'rep-bkt', 'f', 'write'));
  assert.ok(claimed < bound, `claim seen after ${claimed} ms`);

  await first.grant('rep-bkt', owner.domainId);
  assert.ok(await first.allows({ domainId: owner.domainId }, 'rep-bkt'), 'the writing server sees its own change at once');
  const granted = performance.now();
  while (!(await ownerReads())) {
    assert.ok(performance.now() - granted < bound, 'the grant reached the replica in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  const revoked = await takesEffect(ownerReads, () => first.revoke('rep-bkt', owner.domainId).then(() => undefined));
  assert.ok(revoked < bound, `revoke seen after ${revoked} ms`);
  ctx.diagnostic(`claim seen by the replica after ${claimed.toFixed(0)} ms, revoke after ${revoked.toFixed(0)} ms`);
});
