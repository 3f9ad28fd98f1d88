// The serving host with instances that misbehave on purpose: answers that never come, health
// checks that fail, stops that take long, starts that never end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PredictTimeoutError, type ServingInstance } from '#src/runtime/serving/instance.ts';
import { DeployCancelledError, ServingHost, type HostListener } from '#src/runtime/serving/serving-host.ts';
import { eventually } from '../models/fixtures.ts';

interface Fake extends ServingInstance {
  /** How many of the coming health checks fail. */
  failing: number;
  probes: number;
  stopped: boolean;
  /** Requests whose signal was aborted (the instance was told to drop them). */
  dropped: number;
}

/** Like a real instance, a stopped one fails the requests it still holds. */
const holders = new Map<string, ((e: Error) => void)[]>();

/** An instance whose predictions never answer (and ignore their signal unless `honour`). */
function fakeInstance(id: string, opts: { honour?: boolean; ready?: Promise<void>; stopMs?: number } = {}): Fake {
  const f: Fake = {
    id,
    ready: opts.ready ?? Promise.resolve(),
    failing: 0,
    probes: 0,
    stopped: false,
    dropped: 0,
    predict: (req) =>
      new Promise((resolve, reject) => {
        if ((req.json as { quick?: boolean } | undefined)?.quick) resolve({ status: 200, body: id });
        holders.set(id, [...(holders.get(id) ?? []), reject]);
        req.signal?.addEventListener('abort', () => {
          f.dropped++;
          if (opts.honour) reject(req.signal!.reason as Error);
        });
      }),
    usage: async () => ({ cpuCores: 0, memoryMb: 0 }),
    probe: async () => {
      f.probes++;
      if (f.failing > 0) {
        f.failing--;
        throw new Error('no answer');
      }
    },
    stop: async () => {
      await new Promise((r) => setTimeout(r, opts.stopMs ?? 0));
      f.stopped = true;
      for (const fail of holders.get(id) ?? []) fail(new Error('the instance stopped'));
    },
    onExit: () => undefined,
  };
  return f;
}

function recorder(): HostListener & { events: string[]; healthSeen: boolean[] } {
  const events: string[] = [];
  const healthSeen: boolean[] = [];
  return {
    events,
    healthSeen,
    event: (_id, type, info) => void events.push(`${type}: ${info}`),
    health: (_id, healthy) => void healthSeen.push(healthy),
  };
}

const json = (body: object) => ({ contentType: 'application/json', raw: Buffer.from(JSON.stringify(body)), json: body });

test('a prediction without an answer rejects with PredictTimeoutError after the timeout, even from an instance that ignores its signal', async () => {
  const instances: Fake[] = [];
  const host = new ServingHost(recorder(), { predictTimeoutMs: 200, healthIntervalMs: 60_000 });
  await host.apply('s', [{ modelId: 'm', weight: 100, instanceCount: 1, key: 'k', start: (id) => (instances.push(fakeInstance(id)), instances.at(-1)!) }]);
  const started = Date.now();
  await assert.rejects(host.route('s')!.predict(json({})), (e: unknown) => e instanceof PredictTimeoutError && /within 0.2 s/.test(e.message));
  assert.ok(Date.now() - started >= 190);
  assert.equal(instances[0]!.dropped, 1, 'the instance was told to drop the request');
  // The caller's own abort ends it too, with the caller's reason.
  const caller = new AbortController();
  const pending = host.route('s')!.predict(json({}), caller.signal);
  caller.abort(new Error('gone'));
  await assert.rejects(pending, /gone/);
  assert.equal(instances[0]!.dropped, 2);
  await host.close();
});

test('an instance failing two health checks in a row is stopped and replaced; health goes false, then true', async () => {
  const listener = recorder();
  const instances: Fake[] = [];
  const host = new ServingHost(listener, { predictTimeoutMs: 100, healthIntervalMs: 50 });
  await host.apply('s', [
    { modelId: 'm', weight: 100, instanceCount: 1, key: 'k', start: (id) => (instances.push(fakeInstance(id, { honour: true })), instances.at(-1)!) },
  ]);
  // One failed check is not enough: the next one passes.
  const first = instances[0]!;
  first.failing = 1;
  const before = first.probes;
  await eventually('two more checks', async () => (first.probes >= before + 3 ? true : undefined));
  assert.equal(instances.length, 1);
  assert.deepEqual(listener.healthSeen, []);
  first.failing = Infinity;
  await eventually('the replacement', async () => (instances.length === 2 && listener.healthSeen.at(-1) === true ? true : undefined), 10_000);
  assert.deepEqual(listener.healthSeen, [false, true]);
  assert.ok(instances[0]!.stopped, 'the hung instance was stopped');
  assert.ok(
    listener.events.some((e) => e.startsWith('abnormal:') && e.includes('stopped answering (2 health checks in a row failed: no answer)')),
    listener.events.join('\n'),
  );
  assert.ok(listener.events.some((e) => e.includes('restarted and running')));
  assert.deepEqual(await host.route('s')!.predict(json({ quick: true })), { status: 200, body: instances[1]!.id });
  await host.close();
});

test('remove() takes the service out at once; in-flight requests get the grace, then the instance is stopped', async () => {
  const instances: Fake[] = [];
  const host = new ServingHost(recorder(), { predictTimeoutMs: 60_000, healthIntervalMs: 60_000, stopGraceMs: 300 });
  await host.apply('s', [
    { modelId: 'm', weight: 100, instanceCount: 1, key: 'k', start: (id) => (instances.push(fakeInstance(id, { stopMs: 100 })), instances.at(-1)!) },
  ]);
  void host
    .route('s')!
    .predict(json({}))
    .catch(() => undefined);
  const started = Date.now();
  const gone = host.remove('s');
  assert.equal(host.route('s'), undefined, 'no routing once removed');
  assert.equal(host.has('s'), false);
  assert.equal(instances[0]!.stopped, false);
  await gone;
  const took = Date.now() - started;
  assert.ok(took >= 350 && took < 5000, `stopped after ${took} ms (grace 300 + stop 100)`);
  assert.ok(instances[0]!.stopped);
  await host.close();
});

test('remove() during a start cancels it: apply rejects with DeployCancelledError and the starting instance is stopped', async () => {
  const instances: Fake[] = [];
  const host = new ServingHost(recorder());
  const applying = host.apply('s', [
    {
      modelId: 'm',
      weight: 100,
      instanceCount: 1,
      key: 'k',
      start: (id) => (instances.push(fakeInstance(id, { ready: new Promise(() => undefined) })), instances.at(-1)!),
    },
  ]);
  await eventually('the start', async () => (instances.length === 1 ? true : undefined));
  assert.equal(host.progress('s'), 0);
  void host.remove('s');
  await assert.rejects(applying, DeployCancelledError);
  assert.ok(instances[0]!.stopped);
  assert.equal(host.has('s'), false);
  await host.close();
});

test('failed checks while predictions are in hand count only once those end (busy, not hung): by the timeout at the latest', async () => {
  const listener = recorder();
  const instances: Fake[] = [];
  const host = new ServingHost(listener, { predictTimeoutMs: 1500, healthIntervalMs: 50 });
  await host.apply('s', [
    { modelId: 'm', weight: 100, instanceCount: 1, key: 'k', start: (id) => (instances.push(fakeInstance(id, { honour: true })), instances.at(-1)!) },
  ]);
  const first = instances[0]!;
  const started = Date.now();
  const timedOut = assert.rejects(host.route('s')!.predict(json({})), PredictTimeoutError);
  first.failing = Infinity;
  const probes = first.probes;
  await eventually('failed checks', async () => (first.probes >= probes + 2 ? true : undefined));
  assert.equal(instances.length, 1, 'not replaced while busy');
  assert.deepEqual(listener.healthSeen, []);
  await timedOut;
  await eventually('the replacement', async () => (listener.healthSeen.at(-1) === true ? true : undefined), 10_000);
  assert.ok(Date.now() - started >= 1500);
  assert.ok(first.stopped);
  await host.close();
});
