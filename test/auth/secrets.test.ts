import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { AtelierClient } from '#src/client/index.ts';
import { startTestApp } from '../helpers/app.ts';

test('secrets are stored hashed or encrypted and never logged', async () => {
  let logs = '';
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const t = await startTestApp({ ATELIER_LOG_LEVEL: 'trace' }, { logStream });
  try {
    const { token } = await t.client.iam.issueToken({
      domain: t.creds.domain_name,
      user: t.creds.user_name,
      password: t.creds.password,
      project: { id: t.creds.project_id },
    });
    const byToken = new AtelierClient(t.url, { kind: 'token', token, projectId: t.creds.project_id });
    await byToken.authorizations.list();
    await t.client.authorizations.create({ type: 'credential', content: t.creds.ak, secret_key: t.creds.sk });
    await t.client.authorizations.list();
    const bad = await t.client.http.raw('POST', '/v2/{project_id}/authorizations', { body: { content: 'x', secret_key: t.creds.sk, type: 'credential' } });
    assert.equal(bad.status, 400);

    assert.ok(logs.length > 1000, 'trace logging was on');
    for (const secret of [t.creds.sk, t.creds.password, token]) assert.ok(!logs.includes(secret), 'not in the logs');

    const { db } = t.atelier.context.database;
    const rows = JSON.stringify([
      await db.selectFrom('access_keys').selectAll().execute(),
      await db.selectFrom('users').selectAll().execute(),
      await db.selectFrom('tokens').selectAll().execute(),
      await db.selectFrom('authorizations').selectAll().execute(),
    ]);
    for (const secret of [t.creds.sk, t.creds.password, token]) assert.ok(!rows.includes(secret), 'not stored in the clear');
    assert.match(rows, /scrypt\$/);
  } finally {
    await t.close();
  }
});
