// How many file-system requests went through libuv's thread pool while a piece of code ran: the storage tests show
// which reads and writes are made without it (src/storage/fs-io.ts).
import { createHook } from 'node:async_hooks';

export async function poolTrips(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'FSREQCALLBACK' || type === 'FSREQPROMISE') n++;
    },
  });
  hook.enable();
  try {
    await fn();
  } finally {
    hook.disable();
  }
  return n;
}
