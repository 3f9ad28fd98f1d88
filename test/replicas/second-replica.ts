import type { AddressInfo } from 'node:net';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import type { TestApp } from '../helpers/app.ts';

/**
 * Another server on the test app's database and data directory, listening on a free port, with a client of the
 * bootstrap credential; its background work runs unless `background` is false. Close it before the test app.
 */
export async function secondReplica(t: TestApp, background = true): Promise<{ app: AtelierApp; client: AtelierClient }> {
  const app = await buildApp(t.config);
  await app.app.listen({ host: '127.0.0.1', port: 0 });
  if (background) app.startBackground();
  const url = `http://127.0.0.1:${(app.app.server.address() as AddressInfo).port}`;
  return { app, client: new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id }) };
}
