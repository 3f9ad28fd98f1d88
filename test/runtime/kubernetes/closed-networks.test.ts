// --kube-closed-networks: each entry must be a CIDR; a PostgreSQL URL that names an IP address closes that address too.
// --kube-image-pull-secrets: Secret names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '#src/config.ts';

const closed = (networks: string, databaseUrl = 'sqlite:/tmp/x.db') =>
  loadConfig({ ATELIER_KUBE_CLOSED_NETWORKS: networks, ATELIER_DATABASE_URL: databaseUrl }).kube.closedNetworks;

test('closed networks: the CIDRs given, then the database address a PostgreSQL URL names', () => {
  assert.deepEqual(closed(''), []);
  assert.deepEqual(closed(' 10.244.0.0/16 , fd00::/8'), ['10.244.0.0/16', 'fd00::/8']);
  assert.deepEqual(closed('10.244.0.0/16', 'postgres://atelier:pw@10.0.3.7:5432/atelier'), ['10.244.0.0/16', '10.0.3.7/32']);
  assert.deepEqual(closed('', 'postgresql://atelier@[fd00::7]/atelier'), ['fd00::7/128']);
  // A host name is the operator's to close: it may resolve to any address over time.
  assert.deepEqual(closed('', 'postgres://atelier@db.internal:5432/atelier'), []);
});

test('closed networks: anything but address/prefix is refused at start', () => {
  for (const bad of ['10.244.0.0', '10.244.0.0/33', 'fd00::/129', 'db.internal/32', '10.0.0.0/8/1', '10.0.0.0/x'])
    assert.throws(
      () => closed(bad),
      (e: unknown) => e instanceof ConfigError && e.message.includes(bad),
      bad,
    );
});

test('image pull secrets: Secret names, comma separated; anything else is refused at start', () => {
  const secrets = (raw: string) => loadConfig({ ATELIER_KUBE_IMAGE_PULL_SECRETS: raw }).kube.imagePullSecrets;
  assert.deepEqual(secrets(''), []);
  assert.deepEqual(secrets('regcred, team.registry-2'), ['regcred', 'team.registry-2']);
  for (const bad of ['Regcred', 'reg cred', '-regcred', 'reg/cred'])
    assert.throws(
      () => secrets(bad),
      (e: unknown) => e instanceof ConfigError && e.message.includes(bad),
      bad,
    );
});
