import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { History, HISTORY_SPAN_MS } from '#src/runtime/metrics/history.ts';
import { HOST_FIELDS, MetricsSampler, PUBLIC_POOL } from '#src/runtime/metrics/sampler.ts';
import { LocalPool } from '#src/runtime/local/local-pool.ts';

const MINUTE = 60_000;

describe('metrics history', () => {
  test('7 days of 10 s samples keep every ring at its fixed size; queries reach back 7 days', () => {
    const h = new History(2, 10_000);
    const sizes = h.tiers.map((t) => t.slots);
    const end = Date.UTC(2026, 0, 8);
    const start = end - HISTORY_SPAN_MS - 60 * MINUTE;
    for (let t = start; t < end; t += 10_000) h.add(t, [(t / 10_000) % 100, 50]);
    assert.deepEqual(
      h.tiers.map((t) => t.length),
      sizes,
    );
    assert.deepEqual(sizes, [361, 1441, 1009]);

    // The last hour, minute by minute: raw samples, 6 per minute.
    const hour = h.query(end - 60 * MINUTE, end, MINUTE);
    assert.equal(hour.length, 60);
    assert.ok(hour.every((p) => p.fields[0]!.count === 6 && p.fields[1]!.sum === 300));
    // Six days ago, hourly: from the 10-minute tier.
    const old = h.query(end - 6 * 24 * 60 * MINUTE, end - 6 * 24 * 60 * MINUTE + 6 * 60 * MINUTE, 60 * MINUTE);
    assert.equal(old.length, 6);
    assert.ok(old.every((p) => p.fields[0]!.count === 360 && p.fields[1]!.min === 50 && p.fields[1]!.max === 50));
    // A whole day, hourly, across the tiers' boundaries: every sample counted once.
    const day = h.query(end - 24 * 60 * MINUTE, end, 60 * MINUTE);
    assert.equal(day.length, 24);
    assert.equal(
      day.reduce((n, p) => n + p.fields[0]!.count, 0),
      24 * 360,
    );
    // Older than 7 days: gone.
    assert.deepEqual(h.query(start - 60 * MINUTE, start, MINUTE), []);
  });

  test('statistics of a step: min, max, sum and count of its samples', () => {
    const h = new History(1, 1000);
    const base = Date.UTC(2026, 0, 1);
    [3, 9, 1, 7].forEach((v, i) => h.add(base + i * 1000, [v]));
    const [p] = h.query(base, base + MINUTE, MINUTE);
    assert.deepEqual(p!.fields[0], { count: 4, sum: 20, min: 1, max: 9 });
  });
});

describe('metrics sampler', () => {
  test("the host's memory and disk match /proc/meminfo and statfs", () => {
    const pool = new LocalPool({});
    const sampler = new MetricsSampler({ publicPool: pool, list: () => [] }, tmpdir(), 1000, { now: () => Date.now() });
    sampler.sample();
    const latest = sampler.host.latest()!;
    const s = statfsSync(tmpdir());
    assert.ok(Math.abs(latest.values[HOST_FIELDS.diskCapacityMb]! - (s.blocks * s.bsize) / 2 ** 20) < 1);
    assert.ok(Math.abs(latest.values[HOST_FIELDS.diskAvailableMb]! - (s.bavail * s.bsize) / 2 ** 20) < 256);
    const info = readFileSync('/proc/meminfo', 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s*(\\d+)`, 'm').exec(info)![1]);
    const usedPercent = ((kb('MemTotal') - kb('MemAvailable')) / kb('MemTotal')) * 100;
    assert.ok(Math.abs(latest.values[HOST_FIELDS.memoryPercent]! - usedPercent) < 5, `${latest.values[HOST_FIELDS.memoryPercent]} vs ${usedPercent}`);
    const publicPool = sampler.pool(PUBLIC_POOL)!.latest!;
    assert.deepEqual(publicPool.capacity, pool.capacity);
    assert.deepEqual(publicPool.allocated, { cpu: 0, memoryMb: 0 });
  });
});
