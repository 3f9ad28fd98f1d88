// Repeated authentication failures: per access key and per domain and user name, 429 ModelArts.4206
// once over the limit in a window; other keys and users are unaffected; memory stays bounded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureLimiter } from '#src/auth/failure-limiter.ts';
import { AtelierClient } from '#src/client/index.ts';
import type { Clock } from '#src/core/time.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const LIST = '/v2/{project_id}/authorizations';
const LIMIT = 3;
const WINDOW_S = 60;

class TestClock implements Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

describe('authentication failure limits', () => {
  let t: TestApp;
  const clock = new TestClock();
  before(async () => {
    t = await startTestApp({ ATELIER_AUTH_FAILURE_LIMIT: String(LIMIT), ATELIER_AUTH_FAILURE_WINDOW: String(WINDOW_S) }, { clock });
  });
  after(() => t.close());

  const withSk = (client: AtelierClient, sk: string) =>
    client.http.withAuth({ ...(client.http.auth as { kind: 'aksk'; ak: string; sk: string; projectId: string }), sk });

  test('bad signatures of one AK: 401 up to the limit, then 429; its good requests and other keys still work', async () => {
    const victim = await t.newTenant('limited-ak');
    const ak = (victim.http.auth as { ak: string }).ak;
    const bad = withSk(victim, 'wrong-secret-key-wrong-secret-key-000000');
    for (let i = 0; i < LIMIT; i++) await assert.rejects(bad.call('GET', LIST), apiFailure(401, 'ModelArts.0208'));
    await assert.rejects(bad.call('GET', LIST), apiFailure(429, 'ModelArts.4206', ak));
    // A POST whose signature fails after its body is read counts the same way.
    await assert.rejects(bad.call('POST', '/v2/{project_id}/agency', { body: { agency_name_suffix: 'x' } }), apiFailure(429, 'ModelArts.4206'));
    // An AK is no secret: anyone could send bad signatures with it, so its owner's signed requests go on.
    assert.equal((await victim.authorizations.list()).total_count, 0);
    assert.equal((await t.client.authorizations.list()).total_count, 0, 'another key is unaffected');

    // The window ends: bad signatures are answered 401 again.
    clock.offset += (WINDOW_S + 1) * 1000;
    await assert.rejects(bad.call('GET', LIST), apiFailure(401, 'ModelArts.0208'));
  });

  test('an unknown AK is limited the same way', async () => {
    const unknown = new AtelierClient(t.url, { kind: 'aksk', ak: 'NOSUCHKEYFORLIMITS01', sk: 'x'.repeat(40), projectId: t.creds.project_id });
    for (let i = 0; i < LIMIT; i++) await assert.rejects(unknown.http.call('GET', LIST), apiFailure(401, 'ModelArts.0208'));
    await assert.rejects(unknown.http.call('GET', LIST), apiFailure(429, 'ModelArts.4206', 'NOSUCHKEYFORLIMITS01'));
  });

  test('failed logins of one user: 401 up to the limit, then 429 even with the right password; other users still log in', async () => {
    const login = (user: string, password: string, domain = t.creds.domain_name) =>
      t.client.iam.issueToken({ domain, user, password, project: { name: t.creds.project_name } });
    await t.atelier.context.identity.createUser(t.creds.domain_name, 'guessed', 'right-password', 'user');
    await t.atelier.context.identity.addMember(
      await t.atelier.context.identity.project(t.creds.domain_name, t.creds.project_name),
      await t.atelier.context.identity.user(t.creds.domain_name, 'guessed'),
    );
    assert.ok((await login('guessed', 'right-password')).token, 'a success does not count');

    for (let i = 0; i < LIMIT; i++) await assert.rejects(login('guessed', `wrong-${i}`), apiFailure(401, 'ModelArts.0208'));
    await assert.rejects(login('guessed', 'right-password'), apiFailure(429, 'ModelArts.4206', 'guessed'));
    assert.ok((await login(t.creds.user_name, t.creds.password)).token, 'another user is unaffected');

    // A user name that does not exist is limited the same way: the limit tells nothing about which exist.
    for (let i = 0; i < LIMIT; i++) await assert.rejects(login('nobody-here', `wrong-${i}`), apiFailure(401, 'ModelArts.0208'));
    await assert.rejects(login('nobody-here', 'wrong'), apiFailure(429, 'ModelArts.4206'));
    // Same user name in another domain: another key.
    await assert.rejects(login('guessed', 'wrong', 'no-such-domain'), apiFailure(401, 'ModelArts.0208'));

    clock.offset += (WINDOW_S + 1) * 1000;
    assert.ok((await login('guessed', 'right-password')).token, 'the window has ended');
  });
});

describe('FailureLimiter', () => {
  test('counts per key in a window that starts with the first failure', () => {
    const clock = {
      t: 0,
      now() {
        return this.t;
      },
    };
    const limiter = new FailureLimiter({ limit: 2, windowSeconds: 10 }, clock);
    assert.equal(limiter.exhausted('a'), false);
    assert.equal(limiter.fail('a'), false);
    clock.t = 5_000;
    assert.equal(limiter.fail('a'), false);
    assert.equal(limiter.exhausted('a'), true);
    assert.equal(limiter.fail('a'), true, 'the third failure is over the limit');
    assert.equal(limiter.exhausted('b'), false);
    assert.equal(limiter.retryAfterSeconds('a'), 5);
    clock.t = 10_000;
    assert.equal(limiter.exhausted('a'), false, 'the window started at 0 and has ended');
    assert.equal(limiter.fail('a'), false);
  });

  test('a limit of 0 counts nothing', () => {
    const limiter = new FailureLimiter({ limit: 0, windowSeconds: 10 }, { now: () => 0 });
    for (let i = 0; i < 100; i++) assert.equal(limiter.fail('a'), false);
    assert.equal(limiter.exhausted('a'), false);
    assert.equal(limiter.size, 0);
  });

  test('memory is bounded: expired windows go first, then the oldest', () => {
    const clock = {
      t: 0,
      now() {
        return this.t;
      },
    };
    const limiter = new FailureLimiter({ limit: 1, windowSeconds: 10 }, clock, 100);
    for (let i = 0; i < 1000; i++) limiter.fail(`key-${i}`);
    assert.equal(limiter.size, 100);
    assert.equal(limiter.exhausted('key-999'), true, 'the newest keys are kept');
    assert.equal(limiter.exhausted('key-0'), false, 'the oldest were forgotten');
    clock.t = 20_000;
    limiter.fail('late');
    assert.equal(limiter.size, 1, 'every expired window was dropped');
  });
});
