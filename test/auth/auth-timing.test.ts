// Refusals must not tell which user names and access keys exist, by their answer or by their time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { IdentityStore } from '#src/auth/identity-store.ts';
import { AtelierClient, type RawResponse } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const LIST = '/v2/{project_id}/authorizations';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

describe('refusals that do not tell who exists', () => {
  let t: TestApp;
  before(async () => {
    // No failure limit here: the tries below would reach it.
    t = await startTestApp({ ATELIER_AUTH_FAILURE_LIMIT: '0' });
  });
  after(() => t.close());

  test('a wrong password takes as long for an unknown user or domain as for a real user', async () => {
    const login = (domain: string, user: string) =>
      t.client.http.raw('POST', '/v3/auth/tokens', {
        body: {
          auth: {
            identity: { methods: ['password'], password: { user: { name: user, password: 'wrong-password', domain: { name: domain } } } },
            scope: { project: { name: t.creds.project_name } },
          },
        },
      });
    const kinds = {
      realUser: () => login(t.creds.domain_name, t.creds.user_name),
      unknownUser: () => login(t.creds.domain_name, 'no-such-user'),
      unknownDomain: () => login('no-such-domain', t.creds.user_name),
    };
    const answers = await Promise.all(Object.values(kinds).map((k) => k()));
    for (const res of answers) {
      assert.equal(res.status, 401);
      assert.deepEqual(res.json, answers[0]!.json, 'the same answer for each');
    }
    // Interleaved, so the three see the same load; medians, so a stall on a busy machine does not count.
    const times: Record<keyof typeof kinds, number[]> = { realUser: [], unknownUser: [], unknownDomain: [] };
    for (let round = 0; round < 9; round++) {
      for (const [name, fn] of Object.entries(kinds)) times[name as keyof typeof kinds].push(await timed(fn));
    }
    const real = median(times.realUser);
    for (const other of [median(times.unknownUser), median(times.unknownDomain)]) {
      // Before, an unknown user took about 1/25 of the time of a real one (no scrypt).
      assert.ok(other > real / 3 && other < real * 3, `medians ${real.toFixed(1)} ms (real user) and ${other.toFixed(1)} ms`);
    }
  });

  test('an unknown AK and a bad signature of a known one get the same answer, from the same work', async () => {
    const store = (t.atelier.context.identity as unknown as { store: IdentityStore }).store;
    const reads: string[] = [];
    const read = store.accessKey.bind(store);
    store.accessKey = (ak: string) => {
      reads.push(ak);
      return read(ak);
    };
    try {
      const unknown = new AtelierClient(t.url, { kind: 'aksk', ak: 'NOSUCHAKFORTIMING001', sk: 'x'.repeat(40), projectId: t.creds.project_id });
      const badSk = t.client.http.withAuth({ kind: 'aksk', ak: t.creds.ak, sk: 'y'.repeat(40), projectId: t.creds.project_id });
      const answers: RawResponse[] = [];
      for (let i = 0; i < 5; i++) {
        answers.push(await unknown.http.raw('GET', LIST));
        answers.push(await badSk.raw('GET', LIST));
        answers.push(await unknown.http.raw('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'x' } }));
        answers.push(await badSk.raw('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'x' } }));
      }
      for (const res of answers) {
        assert.equal(res.status, 401);
        assert.deepEqual(res.json, answers[0]!.json);
      }
      // Each AK is read from the database once at most, then answered from memory, known or not.
      assert.ok(reads.filter((ak) => ak === 'NOSUCHAKFORTIMING001').length <= 1, `unknown AK read ${reads.length} times`);
      assert.ok(reads.filter((ak) => ak === t.creds.ak).length <= 1);
    } finally {
      store.accessKey = read;
    }
  });

  test('a known AK with a bad signature on a project it is not a member of: 401 like any bad signature, not 403', async () => {
    const outsider = await t.newTenant('timing-outsider');
    const auth = outsider.http.auth as { kind: 'aksk'; ak: string; sk: string };
    const elsewhere = outsider.http.withAuth({ ...auth, projectId: t.creds.project_id });
    const forged = outsider.http.withAuth({ ...auth, sk: 'z'.repeat(40), projectId: t.creds.project_id });
    const unknown = new AtelierClient(t.url, { kind: 'aksk', ak: 'NOSUCHAKFORTIMING002', sk: 'x'.repeat(40), projectId: t.creds.project_id });
    const bad = await forged.raw('GET', LIST);
    assert.equal(bad.status, 401);
    assert.deepEqual(bad.json, (await unknown.http.raw('GET', LIST)).json);
    // With the right SK the refusal is the membership's.
    const good = await elsewhere.raw('GET', LIST);
    assert.equal(good.status, 403);
    assert.equal((good.json as { error_code: string }).error_code, 'ModelArts.0210');
    const post = await elsewhere.raw('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'outsider' } });
    assert.equal(post.status, 403);
  });
});
