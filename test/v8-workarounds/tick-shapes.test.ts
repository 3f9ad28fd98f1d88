// process.nextTick stays on V8's fast path after full garbage collections (src/v8-workarounds/tick-shapes.ts).
// V8's own report of nextTick's feedback is the only place the state shows, so each case runs in
// a child process with natives syntax and an exposed gc().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { nodeOutput } from '../helpers/v8-child.ts';

const retainer = fileURLToPath(new URL('../../src/v8-workarounds/tick-shapes.ts', import.meta.url));

/** The states of the feedback slots nextTick's computed keys use, after ticks queued around full GCs. */
function literalKeyStates(withRetention: boolean): string[] {
  const script = `
    ${withRetention ? `await import(${JSON.stringify(retainer)});` : ''}
    const turn = () => new Promise((r) => setImmediate(r));
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 50; j++) process.nextTick(() => {}, j);
      await turn();
      globalThis.gc();
      await turn();
    }
    for (let j = 0; j < 50; j++) process.nextTick(() => {});
    await turn();
    new Function('f', '%DebugPrint(f)')(process.nextTick);`;
  const args = ['--allow-natives-syntax', '--expose-gc', '--no-flush-bytecode', '--import', 'tsx', '--input-type=module', '--eval', script];
  return [...nodeOutput(() => args).matchAll(/DefineKeyedOwnPropertyInLiteral (\w+)/g)].map((m) => m[1]!);
}

test('without a retained tick, a full GC sends the tick literal keys megamorphic', () => {
  const states = literalKeyStates(false);
  assert.ok(
    states.length > 0,
    'nextTick no longer builds its ticks from a literal with computed keys: src/v8-workarounds/tick-shapes.ts has nothing left to do',
  );
  assert.ok(states.includes('MEGAMORPHIC'), `states: ${states.join(' ')}`);
});

test('with the retained tick, every tick literal key stays monomorphic', () => {
  const states = literalKeyStates(true);
  assert.ok(states.length > 0);
  assert.deepEqual(new Set(states), new Set(['MONOMORPHIC']));
});
