// Imported for its effect, first thing in every entry point (main.ts, app.ts for the tests, the
// bench server): it must run before the process's first full garbage collection, so before the
// rest of the module graph loads.
//
// process.nextTick builds each queued tick with an object literal whose first keys are computed
// (two symbols). For such keys V8 remembers the map of the first object it saw and gives up on the
// first different one: from then on every key of every tick is defined through the runtime, also in
// optimized code. A full collection at a moment when no tick is queued frees that map, the next
// tick gets a fresh one, and the process is on the slow path for good. Node's HTTP stack queues
// about ten ticks per request; on the slow path they took about 8% of the server's CPU, in roughly
// half of all runs. One tick object kept alive keeps its maps, so the remembered map stays valid.
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
