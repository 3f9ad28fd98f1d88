// The capacity model behind dedicated pools: a pool's nodes are slices lent out of the public pool,
// replicas are placed on one node each, and neither side can take the other's capacity.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { PoolRegistry, type PoolIdentity } from '#src/runtime/local/pool-registry.ts';

const slice = (name: string, cpu = 1, memoryMb = 1000) => ({ name, capacity: { cpu, memoryMb } });
const ident = (name: string, scope: PoolIdentity['scope'] = ['Train']): PoolIdentity => ({ name, projectId: 'p1', displayName: name, scope });

describe('dedicated pools lent out of the public pool', () => {
  test('lending takes real capacity from the public pool and returns it on removal', () => {
    // Tests may not ask for more cores than the host has (2 on the smallest CI machine).
    const pub = new LocalPool({ cpu: 2, memoryMb: 4000, cpuOvercommit: 2 });
    const reg = new PoolRegistry(pub);
    assert.deepEqual(pub.free(), { cpu: 4, memoryMb: 4000 });
    assert.ok(reg.add(ident('pool-a'), [slice('n1')]));
    assert.deepEqual(pub.free(), { cpu: 2, memoryMb: 3000 }, 'one core, over-committed twice, is gone from the public pool');
    assert.deepEqual(reg.get('pool-a')?.pool.free(), { cpu: 1, memoryMb: 1000 }, 'a dedicated pool is never over-committed');
    assert.ok(!reg.add(ident('pool-b'), [slice('n1', 2, 1000)]), 'two more cores are not free');
    assert.equal(reg.get('pool-b'), undefined);
    assert.ok(reg.remove('pool-a'));
    assert.deepEqual(pub.free(), { cpu: 4, memoryMb: 4000 });
  });

  test('a busy public pool cannot lend what its workloads hold', () => {
    const pub = new LocalPool({ cpu: 2, memoryMb: 4000, cpuOvercommit: 1 });
    const reg = new PoolRegistry(pub);
    assert.ok(pub.reserve('job', { cpu: 2, memoryMb: 100 }));
    assert.ok(!reg.add(ident('pool-a'), [slice('n1')]));
    pub.release('job');
    assert.ok(reg.add(ident('pool-a'), [slice('n1')]));
    assert.ok(!pub.reserve('job', { cpu: 2, memoryMb: 100 }), "the lent core is not the public pool's any more");
  });

  test('replicas take one node each; a replica never spans two nodes', () => {
    const pool = LocalPool.dedicated([slice('n1', 2, 2000), slice('n2', 2, 2000)]);
    assert.ok(pool.reserve('two', { cpu: 4, memoryMb: 2000 }, undefined, 2));
    assert.deepEqual(
      pool.holdings()[0]?.placement.map((p) => p.node),
      ['n1', 'n2'],
    );
    pool.release('two');
    assert.ok(!pool.reserve('big', { cpu: 3, memoryMb: 100 }), 'three cores fit in all, but on no single node');
    const short = pool.shortage('big', { cpu: 3, memoryMb: 100 });
    assert.deepEqual(short?.cpu, { need: 3, free: 2 }, 'the shortage names the roomiest node');
    assert.ok(pool.reserve('a', { cpu: 2, memoryMb: 100 }));
    assert.deepEqual(
      pool.usage().map((u) => [u.name, u.holders]),
      [
        ['n1', ['a']],
        ['n2', []],
      ],
    );
  });

  test('resizing: growing needs free capacity, dropping a busy node is refused, scope is enforced', () => {
    const pub = new LocalPool({ cpu: 2, memoryMb: 3000, cpuOvercommit: 1 });
    const reg = new PoolRegistry(pub);
    assert.ok(reg.add(ident('pool-a'), [slice('n1', 0.5), slice('n2', 0.5)]));
    const a = reg.get('pool-a');
    assert.ok(a?.pool.reserve('job', { cpu: 0.5, memoryMb: 100 }));
    assert.equal(reg.resize('pool-a', [slice('n1', 0.5), slice('n2', 0.5), slice('n3', 0.5), slice('n4', 0.5), slice('n5', 0.5)]), 'no-capacity');
    assert.equal(reg.get('pool-a')?.pool.nodes().length, 2, 'nothing changed');
    assert.equal(reg.resize('pool-a', [slice('n2', 0.5)]), 'busy', 'n1 holds the job');
    assert.equal(reg.resize('pool-a', [slice('n1', 0.5), slice('n2', 0.5), slice('n3', 0.5)]), 'ok');
    assert.deepEqual(pub.free(), { cpu: 0.5, memoryMb: 0 });
    assert.ok(!reg.remove('pool-a'), 'busy');
    assert.equal(reg.placement('p1', 'pool-a', 'Infer').ok, false);
    assert.equal(reg.placement('p2', 'pool-a', 'Train').ok, false, "another project's pool is not found");
    assert.equal(reg.placement('p1', undefined, 'Infer').ok, true);
  });

  test('a restored pool that no longer fits is still lent (nothing double-booked) and says so', () => {
    const pub = new LocalPool({ cpu: 2, memoryMb: 2000, cpuOvercommit: 1 });
    const reg = new PoolRegistry(pub);
    assert.ok(reg.restore(ident('pool-a'), [slice('n1')]));
    assert.ok(!reg.restore(ident('pool-b'), [slice('n1', 2)]));
    assert.deepEqual(pub.free(), { cpu: 0, memoryMb: 0 });
  });
});
