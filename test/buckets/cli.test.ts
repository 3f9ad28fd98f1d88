// `atelier bucket create|grant|revoke|list`, run as a user runs them, against the data directory and
// database of a running server: the server sees each change at once on SQLite (within the cache
// bound on PostgreSQL, where another process's writes cannot be seen without asking).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { dropFile, eventually, onDisk, ownerOf } from './fixtures.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'atelier.mjs');

interface CliFailure {
  code: number;
  stderr: string;
}

describe('atelier bucket commands', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  let cliDomain: string;

  before(async () => {
    t = await startTestApp();
    env = { ...process.env, ATELIER_DATA_DIR: t.config.dataDir, ATELIER_DATABASE_URL: t.config.databaseUrl, ATELIER_LOG_LEVEL: 'warn' };
    cliDomain = (await t.atelier.context.identity.createDomain('cli-b')).id;
  });
  after(() => t.close());

  const cli = async (...args: string[]): Promise<unknown> => {
    const { stdout } = await run(process.execPath, [BIN, 'bucket', ...args], { env });
    try {
      return JSON.parse(stdout);
    } catch {
      assert.fail(`atelier bucket ${args.join(' ')} printed more than its JSON:\n${stdout}`);
    }
  };
  const fails = (stderr: RegExp) => (e: unknown) => {
    const f = e as CliFailure;
    assert.equal(f.code, 2, f.stderr);
    assert.match(f.stderr, stderr);
    return true;
  };
  /** What the server answers the bootstrap account for a model package under /bucket/pkg/. */
  const ownerReads = (bucket: string) =>
    t.client.models.create({ model_name: `m-${Date.now()}`, model_version: '1.0.0', source_location: `/${bucket}/pkg/`, model_type: 'PyTorch' }).then(
      () => 'created',
      (e: { errorCode?: string }) => e.errorCode,
    );

  test('the usage text lists the commands and the rule', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'help'], { env });
    for (const line of ['bucket create --domain D --name B', 'bucket grant --bucket B --domain D', 'bucket revoke --bucket B --domain D', 'bucket list']) {
      assert.ok(stdout.includes(line), line);
    }
    assert.match(stdout, /Buckets belong to an account/);
  });

  test('create makes the bucket for the account and records it; another account cannot take it', async () => {
    assert.deepEqual(await cli('create', '--domain', 'cli-b', '--name', 'cli-bkt'), { bucket: 'cli-bkt', owner: 'cli-b' });
    assert.ok(onDisk(t, '/cli-bkt'), 'the folder exists');
    assert.equal(await ownerOf(t, 'cli-bkt'), cliDomain);
    // Again for the same account: nothing changes.
    assert.deepEqual(await cli('create', '--domain', 'cli-b', '--name', 'cli-bkt'), { bucket: 'cli-bkt', owner: 'cli-b' });
    await assert.rejects(cli('create', '--domain', t.creds.domain_name, '--name', 'cli-bkt'), fails(/bucket cli-bkt belongs to another account/));
    assert.equal(await ownerOf(t, 'cli-bkt'), cliDomain);
    await assert.rejects(cli('create', '--domain', 'cli-b', '--name', 'Bad_Name'), fails(/bucket names have 3-63/));
    await assert.rejects(cli('create', '--domain', 'nobody', '--name', 'x-bkt'), fails(/no domain named nobody/));
    await assert.rejects(cli('create', '--domain', 'cli-b'), fails(/--name is required/));
  });

  test("a folder dropped on disk is the server account's until an administrator gives it to another", async () => {
    dropFile(t, '/dropped-bkt/pkg/readme.txt', 'x');
    assert.equal(await ownerReads('dropped-bkt'), 'ModelArts.3017', 'the server account reads it (no model folder there)');
    await cli('create', '--domain', 'cli-b', '--name', 'dropped-bkt');
    assert.equal(await ownerOf(t, 'dropped-bkt'), cliDomain);
    await eventually(
      'the server sees the new owner',
      () => ownerReads('dropped-bkt'),
      (code) => code === 'ModelArts.4310',
      10_000,
    );
  });

  test('grant lets the other account in, revoke stops it; list shows both', async () => {
    await assert.rejects(
      t.client.models.create({ model_name: 'g', model_version: '1.0.0', source_location: '/cli-bkt/pkg/', model_type: 'PyTorch' }),
      apiFailure(403, 'ModelArts.4310', 'bucket "cli-bkt"'),
    );
    assert.deepEqual(await cli('grant', '--bucket', 'cli-bkt', '--domain', t.creds.domain_name), { bucket: 'cli-bkt', granted: t.creds.domain_name });
    await eventually(
      'the grant reaches the server',
      () => ownerReads('cli-bkt'),
      (code) => code === 'ModelArts.3017',
      10_000,
    );
    const listed = (await cli('list')) as { bucket: string; owner: string; grants: string[] }[];
    const entry = listed.find((b) => b.bucket === 'cli-bkt');
    assert.deepEqual({ owner: entry?.owner, grants: entry?.grants }, { owner: 'cli-b', grants: [t.creds.domain_name] });

    assert.deepEqual(await cli('revoke', '--bucket', 'cli-bkt', '--domain', t.creds.domain_name), { bucket: 'cli-bkt', revoked: t.creds.domain_name });
    await eventually(
      'the revoke reaches the server',
      () => ownerReads('cli-bkt'),
      (code) => code === 'ModelArts.4310',
      10_000,
    );
    await assert.rejects(cli('revoke', '--bucket', 'cli-bkt', '--domain', t.creds.domain_name), fails(/has no grant on bucket cli-bkt/));
    await assert.rejects(cli('grant', '--bucket', 'cli-bkt', '--domain', 'cli-b'), fails(/already owns bucket cli-bkt/));
    await assert.rejects(cli('grant', '--bucket', 'no-such-bkt', '--domain', 'cli-b'), fails(/no bucket no-such-bkt/));
    assert.equal(await ownerOf(t, 'no-such-bkt'), undefined);
    await assert.rejects(cli('frobnicate'), fails(/unknown command "bucket frobnicate"/));
  });
});
