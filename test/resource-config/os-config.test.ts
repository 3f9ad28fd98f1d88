import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFailure, startTestApp, type TestApp } from '../helpers/app.ts';
import { assertObjectBodies, recordBodies, routesTagged } from '../helpers/object-bodies.ts';

describe('os-user-config (#137) and quotas (#138)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ATELIER_NETWORK_CIDRS: '10.8.0.0/16, 10.9.0.0/16', ATELIER_POOL_QUOTA: '3', ATELIER_NETWORK_QUOTA: '4' });
  });
  after(() => t.close());

  test('os-user-config reports the configured values in the spec shape', async () => {
    const res = await t.client.resourceConfig.osUserConfig();
    // pooHighAvailable as the spec spells it, poolHighAvailable as the official SDKs read it.
    assert.deepEqual(res, { networkCidrs: ['10.8.0.0/16', '10.9.0.0/16'], networkQuota: 4, poolQuota: 3, pooHighAvailable: false, poolHighAvailable: false });
  });

  test('pooHighAvailable (the spec) and poolHighAvailable (the official SDKs) are both sent, with the same value', async () => {
    const res = await t.client.http.raw('GET', '/v1/{project_id}/os-user-config');
    const body = res.json as Record<string, unknown>;
    assert.equal(typeof body.pooHighAvailable, 'boolean');
    assert.equal(body.poolHighAvailable, body.pooHighAvailable);
  });

  test('every 2xx body of these routes is a JSON object', async () => {
    const all = await routesTagged(t.url, ['Resource Management']);
    // The tag also covers other resource families; these are this family's two routes.
    const routes = new Map([...all].filter(([, op]) => op === 'ShowOsConfig' || op === 'ShowOsQuota'));
    assert.equal(routes.size, 2);
    const recorder = recordBodies(t.client);
    await t.client.resourceConfig.osUserConfig();
    await t.client.resourceConfig.quotas();
    assertObjectBodies(recorder, routes);
  });

  test('quotas: configured limits and usage per resource type', async () => {
    const res = await t.client.resourceConfig.quotas();
    assert.deepEqual(res, {
      quotas: {
        resources: [
          { type: 'pool', quota: 3, used: 0 },
          { type: 'network', quota: 4, used: 0 },
        ],
      },
    });
  });

  test("network usage is the count of the project's real networks (the networks family registers it)", async () => {
    const network = async (client: typeof t.client) => (await client.resourceConfig.quotas()).quotas.resources.find((r) => r.type === 'network');
    const created = await t.client.networks.create({
      apiVersion: 'v1',
      kind: 'Network',
      metadata: { labels: { 'os.modelarts/name': 'quota-net' } },
      spec: { cidr: '10.8.0.0/24' },
    });
    assert.deepEqual(await network(t.client), { type: 'network', quota: 4, used: 1 });
    assert.equal((await network(await t.newTenant('tenant-n')))?.used, 0);
    await t.client.networks.delete(created.metadata.name);
    assert.deepEqual(await network(t.client), { type: 'network', quota: 4, used: 0 });
    // a second counter for a kind is a wiring mistake
    assert.throws(() => t.atelier.context.quotaUsage.register('network', async () => 0), /already registered/);
  });

  test('another project cannot read them through this project id', async () => {
    const other = await t.newTenant('tenant-q');
    const intruder = other.http.withAuth({ ...(other.http.auth as { kind: 'aksk'; ak: string; sk: string }), kind: 'aksk', projectId: t.creds.project_id });
    await assert.rejects(intruder.call('GET', '/v1/{project_id}/quotas'), apiFailure(403, 'ModelArts.0210'));
    await assert.rejects(intruder.call('GET', '/v1/{project_id}/os-user-config'), apiFailure(403, 'ModelArts.0210'));
  });
});
