import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from 'typebox/value';
import { Network, NetworkList } from '#src/modules/networks/schemas.ts';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';

const BAD = 'ModelArts.50004000';
const NOT_FOUND = 'ModelArts.50025001';

const body = (name: string, cidr: string, workspace?: string) => ({
  apiVersion: 'v1' as const,
  kind: 'Network' as const,
  metadata: { labels: { 'os.modelarts/name': name, ...(workspace !== undefined ? { 'os.modelarts/workspace.id': workspace } : {}) } },
  spec: { cidr },
});

describe('networks (#143-147)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ATELIER_NETWORK_QUOTA: '4' });
  });
  after(() => t.close());

  test('create, show, list, patch and delete a network, in the spec shape', async () => {
    const created = await t.client.networks.create(body('network-7a03', '192.168.128.0/17', '0'));
    assert.ok(Value.Check(Network, created), JSON.stringify([...Value.Errors(Network, created)].slice(0, 3)));
    assert.match(created.metadata.name, /^network-7a03-[0-9a-f]{32}$/);
    assert.match(created.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(created.metadata.labels, { 'os.modelarts/name': 'network-7a03', 'os.modelarts/workspace.id': '0' });
    assert.equal(created.spec.cidr, '192.168.128.0/17');
    assert.equal(created.status.phase, 'Active');

    const shown = await t.client.networks.show(created.metadata.name);
    assert.deepEqual(shown, created);

    const list = await t.client.networks.list();
    assert.ok(Value.Check(NetworkList, list));
    assert.equal(list.kind, 'NetworkList');
    assert.deepEqual(
      list.items.map((n) => n.metadata.name),
      [created.metadata.name],
    );

    const patched = await t.client.networks.patch(created.metadata.name, { metadata: { annotations: { 'os.modelarts/description': 'for pool one' } } });
    assert.equal(patched.metadata.annotations['os.modelarts/description'], 'for pool one');
    assert.equal((await t.client.networks.show(created.metadata.name)).metadata.annotations['os.modelarts/description'], 'for pool one');
    // merge patch: null removes the description; an empty patch changes nothing
    await t.client.networks.patch(created.metadata.name, { metadata: { annotations: { 'os.modelarts/description': null } } });
    assert.deepEqual((await t.client.networks.patch(created.metadata.name, {})).metadata.annotations, {});

    const deleted = await t.client.networks.delete(created.metadata.name);
    assert.equal(deleted.metadata.name, created.metadata.name);
    assert.ok(deleted.metadata.deletionTimestamp);
    await assert.rejects(t.client.networks.show(created.metadata.name), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.networks.delete(created.metadata.name), apiFailure(404, NOT_FOUND));
    await assert.rejects(t.client.networks.patch(created.metadata.name, {}), apiFailure(404, NOT_FOUND));
  });

  test('a CIDR must be a network block within the offered ranges, at most /24, and not overlap another network', async () => {
    for (const cidr of ['192.168.0.0', '192.168.300.0/24', '192.168.0.1/24', '10.0.0.0/16', '192.168.0.0/25', '172.15.0.0/16']) {
      await assert.rejects(t.client.networks.create(body('net-bad', cidr)), apiFailure(400, BAD, 'spec.cidr'), cidr);
    }
    const a = await t.client.networks.create(body('net-a', '172.16.0.0/16'));
    await assert.rejects(t.client.networks.create(body('net-b', '172.16.4.0/24')), apiFailure(400, BAD, a.metadata.name));
    await assert.rejects(t.client.networks.create(body('net-b', '172.16.0.0/12')), apiFailure(400, BAD, 'overlaps'));
    const b = await t.client.networks.create(body('net-b', '172.17.0.0/16'));
    assert.equal((await t.client.networks.list()).items.length, 2);
    await t.client.networks.delete(a.metadata.name);
    await t.client.networks.delete(b.metadata.name);
    // once deleted, the block is free again
    await t.client.networks.delete((await t.client.networks.create(body('net-a', '172.16.4.0/24'))).metadata.name);
  });

  test('bad names, unknown fields, wrong kind and connections this host cannot make are refused, nothing stored', async () => {
    for (const name of ['ab', 'Upper-case', '9starts-digit', 'ends-', 'x'.repeat(33), 'has_underscore']) {
      await assert.rejects(t.client.networks.create(body(name, '192.168.1.0/24')), apiFailure(400, 'ModelArts.0104', 'metadata.labels.os.modelarts'), name);
    }
    const raw = (b: unknown) => t.client.http.raw('POST', '/v1/{project_id}/networks', { body: b });
    const unknown = await raw({ ...body('net-c', '192.168.1.0/24'), extra: 1 });
    assert.equal(unknown.status, 400);
    const kind = await raw({ ...body('net-c', '192.168.1.0/24'), kind: 'Pool' });
    assert.equal(kind.status, 400);
    const peered = await raw({
      ...body('net-c', '192.168.1.0/24'),
      spec: { cidr: '192.168.1.0/24', connection: { peerConnectionList: [{ peerVpcId: 'v', peerSubnetId: 's' }] } },
    });
    assert.equal(peered.status, 400);
    const badDescription = await t.client.http.raw('PATCH', '/v1/{project_id}/networks/none', {
      body: { metadata: { annotations: { 'os.modelarts/description': 'a<b' } } },
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    assert.equal(badDescription.status, 400);
    assert.equal((await t.client.networks.list()).items.length, 0);
  });

  test('the network quota is enforced on create, and ShowOsQuota counts the real networks', async () => {
    const used = async () => (await t.client.resourceConfig.quotas()).quotas.resources.find((r) => r.type === 'network');
    assert.deepEqual(await used(), { type: 'network', quota: 4, used: 0 });
    const names: string[] = [];
    for (let i = 0; i < 4; i++) names.push((await t.client.networks.create(body(`quota-${i}`, `192.168.${i}.0/24`))).metadata.name);
    assert.deepEqual(await used(), { type: 'network', quota: 4, used: 4 });
    await assert.rejects(t.client.networks.create(body('quota-4', '192.168.4.0/24')), apiFailure(400, BAD, 'quota'));
    await t.client.networks.delete(names.pop() ?? '');
    assert.equal((await used())?.used, 3);

    // paging: limit and continue, with the remaining count
    const first = await t.client.networks.list({ limit: 2 });
    assert.deepEqual(first.metadata, { continue: '2', remainingItemCount: 1 });
    const second = await t.client.networks.list({ limit: 2, continue: first.metadata.continue });
    assert.deepEqual(second.metadata, {});
    assert.deepEqual(
      [...first.items, ...second.items].map((n) => n.metadata.name),
      names,
    );
    // label selector
    assert.deepEqual(
      (await t.client.networks.list({ labelSelector: 'os.modelarts/name=quota-1' })).items.map((n) => n.metadata.name),
      [names[1]],
    );
    assert.equal((await t.client.networks.list({ labelSelector: 'os.modelarts/name!=quota-1' })).items.length, 2);
    assert.equal((await t.client.networks.list({ labelSelector: '!os.modelarts/workspace.id' })).items.length, 3);
    await assert.rejects(t.client.networks.list({ labelSelector: 'a=b=c' }), apiFailure(400, BAD, 'labelSelector'));
    for (const name of names) await t.client.networks.delete(name);
    assert.equal((await used())?.used, 0);
  });

  test("another project's networks are invisible, and its blocks do not clash", async () => {
    const mine = await t.client.networks.create(body('mine', '192.168.10.0/24'));
    const other = await t.newTenant('net-other');
    assert.equal((await other.networks.list()).items.length, 0);
    await assert.rejects(other.networks.show(mine.metadata.name), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.networks.patch(mine.metadata.name, {}), apiFailure(404, NOT_FOUND));
    await assert.rejects(other.networks.delete(mine.metadata.name), apiFailure(404, NOT_FOUND));
    const theirs = await other.networks.create(body('theirs', '192.168.10.0/24'));
    assert.equal((await other.resourceConfig.quotas()).quotas.resources.find((r) => r.type === 'network')?.used, 1);
    await other.networks.delete(theirs.metadata.name);
    await t.client.networks.delete(mine.metadata.name);
  });

  test('a network left Creating (a restart between its record and its activation) is made Active by the reconciler', async () => {
    const db = t.atelier.context.database.db;
    await db
      .insertInto('networks')
      .values({
        id: 'left-0',
        project_id: t.creds.project_id,
        display_name: 'left',
        workspace_id: null,
        cidr: '192.168.20.0/24',
        description: null,
        phase: 'Creating',
        created_at: Date.now(),
      })
      .execute();
    assert.equal((await t.client.networks.show('left-0')).status.phase, 'Creating');
    await t.atelier.context.reconcilers.runOnce();
    assert.equal((await t.client.networks.show('left-0')).status.phase, 'Active');
    await t.client.networks.delete('left-0');
  });
});
