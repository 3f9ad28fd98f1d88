// Pure pieces of the samples family.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SAMPLE_COLUMNS, sampleValues } from '#src/modules/samples/sample-tx.ts';
import type { SampleRow } from '#src/modules/samples/tables.ts';

test('sampleValues gives the values in SAMPLE_COLUMNS order', () => {
  // Every column a different value, so a swap shows.
  const row = Object.fromEntries(SAMPLE_COLUMNS.map((c, i) => [c, `${c}-${i}`])) as unknown as SampleRow;
  assert.deepEqual(
    sampleValues(row),
    SAMPLE_COLUMNS.map((c) => row[c]),
  );
  assert.equal(new Set(SAMPLE_COLUMNS).size, SAMPLE_COLUMNS.length);
});
