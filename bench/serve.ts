// A server for bench/authorizations.bench.ts, in its own process so the load generator does not share its core.
// `serve.ts atelier` prints {port, signed request} once listening; `serve.ts bare <bytes file>`
// serves the same bytes from a plain Fastify route.
import '#src/v8-workarounds/index.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { buildApp } from '#src/app.ts';
import { bootstrap } from '#src/bootstrap.ts';
import { loadConfig } from '#src/config.ts';
import { AtelierClient } from '#src/client/index.ts';

const [mode, bytesFile] = process.argv.slice(2);

if (mode === 'bare') {
  const bytes = readFileSync(bytesFile!, 'utf8');
  const bare = Fastify();
  bare.get('/v2/:project_id/authorizations', async (_req, reply) => reply.type('application/json; charset=utf-8').send(bytes));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ port: (bare.server.address() as AddressInfo).port })}\n`);
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'atelier-bench-'));
  process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  const atelier = await buildApp(loadConfig({ ATELIER_DATA_DIR: dataDir, ATELIER_LOG_LEVEL: 'silent', ATELIER_PORT: '0' }));
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (atelier.app.server.address() as AddressInfo).port;
  const creds = (await bootstrap(atelier.context))!;
  const client = new AtelierClient(`http://127.0.0.1:${port}`, { kind: 'aksk', ak: creds.ak, sk: creds.sk, projectId: creds.project_id });
  await client.authorizations.createAgency();
  await client.authorizations.create({ user_id: 'all', content: 'modelarts_agency' });
  // One signature serves the whole run: X-Sdk-Date stays inside the 15-minute window.
  const signed = client.http.prepare('GET', '/v2/{project_id}/authorizations');
  const check = await client.http.send(signed);
  if (check.status !== 200) throw new Error(`signed request failed: ${check.status} ${check.text}`);
  process.stdout.write(`${JSON.stringify({ port, signed, body: check.text })}\n`);
}
process.on('SIGTERM', () => process.exit(0));
