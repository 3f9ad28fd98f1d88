// Imported for its effect, first thing in every entry point (see src/v8-workarounds/index.ts): it
// must run before the process's first full garbage collection.
//
// process.nextTick builds each queued tick with an object literal whose first keys are computed
// (two symbols). For each such key V8 remembers the map of the first object it saw, and gives up on
// the first different one: from then on every key of every tick is defined through the runtime,
// also in optimized code. A full collection at a moment when no tick is queued frees the maps a
// tick passes through as its keys are added; the next tick gets fresh ones, and the process stays
// on the slow path for good. Node's HTTP stack queues about ten ticks per request; on the slow path
// they took about 8% of the server's CPU, in 8 of 13 runs measured. One tick object kept alive
// keeps those maps, so what V8 remembered stays right (test/v8-workarounds/tick-shapes.test.ts).
import { createHook } from 'node:async_hooks';

const kept: object[] = [];

const hook = createHook({
  init(_asyncId, type, _triggerAsyncId, resource) {
    if (type === 'TickObject' && kept.length === 0) kept.push(resource);
  },
});
hook.enable();
process.nextTick(() => {});
hook.disable();
