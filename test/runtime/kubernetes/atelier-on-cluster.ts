// An Atelier on the kubernetes executor for a test file: it runs as its own ServiceAccount with the executor's Role
// (so the Role is shown to be enough), on an s3rver object store the pods' staging can reach, with its reconcilers
// (unless `background` is false: a replica that only answers the API). A second replica of it shares its database.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { buildApp, type AtelierApp } from '#src/app.ts';
import { AtelierClient } from '#src/client/index.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { KubeTestServer } from '../../helpers/kube.ts';
import { executorIdentity } from './executor-identity.ts';

export interface AtelierOnCluster {
  t: TestApp;
  close(): Promise<void>;
}

export async function startAtelierOnCluster(
  kube: KubeTestServer,
  namespace: string,
  image: string,
  env: Record<string, string> = {},
  opts: { background?: boolean } = {},
): Promise<AtelierOnCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'atelier-on-cluster-'));
  const identity = join(dir, 'kubeconfig');
  writeFileSync(identity, (await executorIdentity(kube, namespace)).exportConfig(), { mode: 0o600 });
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(dir, 's3') });
  const { port } = (await s3.run()) as { port: number };
  let t: TestApp | undefined;
  const close = async () => {
    await t?.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    t = await startTestApp({
      ATELIER_EXECUTOR: 'kubernetes',
      ATELIER_KUBE_CONFIG: identity,
      ATELIER_KUBE_NAMESPACE: namespace,
      ATELIER_KUBE_IMAGE: image,
      ATELIER_OBJECT_STORE: 's3',
      ATELIER_S3_ENDPOINT: `http://127.0.0.1:${port}`,
      ATELIER_S3_ACCESS_KEY: 'S3RVER',
      ATELIER_S3_SECRET_KEY: 'S3RVER',
      ...env,
    });
    if (opts.background !== false) {
      await t.atelier.recover();
      t.atelier.startBackground();
    }
    return { t, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** A second replica of `t`: its own data directory, the same database, store and cluster, with its background work. */
export interface ReplicaOnCluster {
  atelier: AtelierApp;
  client: AtelierClient;
  close(): Promise<void>;
}

export async function startSecondReplica(t: TestApp, dirPrefix: string): Promise<ReplicaOnCluster> {
  const dir = mkdtempSync(join(tmpdir(), dirPrefix));
  const atelier = await buildApp({ ...t.config, dataDir: dir });
  await atelier.recover();
  await atelier.app.listen({ host: '127.0.0.1', port: 0 });
  atelier.startBackground();
  const url = `http://127.0.0.1:${(atelier.app.server.address() as AddressInfo).port}`;
  const client = new AtelierClient(url, { kind: 'aksk', ak: t.creds.ak, sk: t.creds.sk, projectId: t.creds.project_id });
  let closed = false;
  return {
    atelier,
    client,
    async close() {
      if (closed) return;
      closed = true;
      await atelier.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
