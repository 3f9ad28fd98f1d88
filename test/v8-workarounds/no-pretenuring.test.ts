// Allocation-site pretenuring is off in Atelier's processes (src/v8-workarounds/no-pretenuring.ts). Only V8's
// trace shows whether it weighs pretenuring feedback, so each case runs in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeOutput } from '../helpers/v8-child.ts';

const setting = fileURLToPath(new URL('../../src/v8-workarounds/no-pretenuring.ts', import.meta.url));

// Arrays from one literal, all kept: minor collections find their allocation mementos.
const script = `
const make = (i) => [i, i + 1, i + 2];
const keep = [];
for (let i = 0; i < 600000; i++) keep.push(make(i));
`;

/** The lines V8 traces when it weighs allocation-site feedback after a collection. */
function pretenuringTrace(withSetting: boolean): string[] {
  const output = nodeOutput((dir) => {
    const file = join(dir, 'keep.cjs');
    writeFileSync(file, script);
    return ['--trace-pretenuring-statistics', '--import', 'tsx', ...(withSetting ? ['--import', setting] : []), file];
  });
  return output.split('\n').filter((l) => l.includes('pretenuring:'));
}

test('by default V8 weighs pretenuring feedback after minor collections', () => {
  assert.ok(pretenuringTrace(false).length > 0, 'V8 no longer traces pretenuring here: this test cannot show src/v8-workarounds/no-pretenuring.ts acting');
});

test('with the setting, V8 weighs none', () => {
  assert.deepEqual(pretenuringTrace(true), []);
});
