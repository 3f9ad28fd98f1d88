// Resource quantities as the metrics API and the Node objects write them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuCores, memoryMb } from '#src/runtime/kubernetes/node-capacity.ts';
import { cpuCoresOf, memoryBytesOf, quantityValue } from '#src/runtime/kubernetes/quantity.ts';

describe('Kubernetes quantities', () => {
  it('reads CPU in cores from nano, micro and milli cores, whole and fractional cores', () => {
    assert.equal(cpuCoresOf('1500000000n'), 1.5);
    assert.equal(cpuCoresOf('250000u'), 0.25);
    assert.equal(cpuCoresOf('3500m'), 3.5);
    assert.equal(cpuCoresOf('4'), 4);
    assert.equal(cpuCoresOf('0.5'), 0.5);
    assert.equal(cpuCoresOf('12345n'), 0.000012345);
    assert.equal(cpuCores('1500000000n'), 1.5, 'node capacity reads the same');
  });

  it('reads memory in bytes from binary and decimal suffixes, fractions and exponents', () => {
    assert.equal(memoryBytesOf('102400Ki'), 100 * 1024 * 1024);
    assert.equal(memoryBytesOf('1.5Gi'), 1.5 * 1024 ** 3);
    assert.equal(memoryBytesOf('2Ti'), 2 * 1024 ** 4);
    assert.equal(memoryBytesOf('1Ei'), 2 ** 60);
    assert.equal(memoryBytesOf('8G'), 8e9);
    assert.equal(memoryBytesOf('129e6'), 129e6);
    assert.equal(memoryBytesOf('1k'), 1000);
    assert.equal(memoryBytesOf('123456789'), 123456789);
    assert.equal(memoryMb('16384Mi'), 16384);
    assert.equal(memoryMb('0.05Gi'), 51);
  });

  it('gives nothing for what is not a quantity', () => {
    for (const bad of ['', 'abc', '1KB', '1.2.3', 'Mi', '1 Gi', '1ki']) assert.equal(quantityValue(bad), undefined, bad);
    assert.equal(cpuCoresOf(undefined), 0);
    assert.equal(memoryBytesOf('lots'), 0);
  });
});
