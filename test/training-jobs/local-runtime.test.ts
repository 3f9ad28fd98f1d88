// Unit tests of the local executor's pieces: process groups, log tails, configured engines, the pool.
import { LocalPool } from '#src/runtime/local/local-pool.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitsIn } from '#src/runtime/local/host-resources.ts';
import { LocalExecutor, recordedExit } from '#src/runtime/local/local-executor.ts';
import { readTail } from '#src/runtime/local/log-tail.ts';
import { detectEngines, parseEngineSpecs } from '#src/modules/training-jobs/engines.ts';
import { createTrainingRuntime } from '#src/modules/training-jobs/training-runtime.ts';
import { alive } from './helpers.ts';

describe('local runtime', () => {
  test('a workload runs in its own process group; killing it ends every process it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-exec-'));
    const ex = new LocalExecutor();
    try {
      const h = await ex.spawn({
        dir,
        command: ['/bin/sh', '-c', 'sleep 30 & echo child $!; echo hello; wait'],
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        logFile: join(dir, 'out.log'),
      });
      let child = 0;
      for (let i = 0; i < 200 && !child; i++) {
        child = Number(/child (\d+)/.exec(readFileSync(join(dir, 'out.log'), 'utf8'))?.[1] ?? 0);
        if (!child) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(alive(child), 'the background child runs');
      ex.kill(h.pid, h.startTicks, 500);
      const exit = await h.exited;
      assert.equal(exit.signal, 'SIGTERM');
      assert.ok(!alive(child), 'the background child is gone with its group');
      assert.equal(readFileSync(join(dir, 'pid'), 'utf8'), `${h.pid} ${h.startTicks}`);
    } finally {
      ex.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the wrapper records the exit code, so an adopted process ends with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-exec-'));
    const ex = new LocalExecutor({ pollMs: 20 });
    try {
      const h = await ex.spawn({ dir, command: ['/bin/sh', '-c', 'sleep 0.3; exit 7'], cwd: dir, env: {}, logFile: join(dir, 'log') });
      const adopted = ex.adopt(h.pid, h.startTicks, dir);
      assert.ok(adopted);
      assert.deepEqual(await h.exited, { code: 7, signal: null });
      assert.deepEqual(await adopted.exited, { code: 7, signal: null });
      assert.deepEqual(recordedExit(dir), { code: 7, signal: null });
      assert.equal(ex.adopt(h.pid, h.startTicks, dir), undefined, 'a finished process cannot be adopted');
      assert.equal(ex.adopt(h.pid, h.startTicks + 1, dir), undefined, 'nor another process with the same pid');
    } finally {
      ex.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('readTail reads the end of a file from a line start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-tail-'));
    try {
      const file = join(dir, 'log');
      const text = 'first line\nsecond line\nthird ü\n';
      const size = Buffer.byteLength(text);
      writeFileSync(file, text);
      assert.deepEqual(await readTail(file, 1000), { content: text, currentSize: size, fullSize: size });
      const tail = await readTail(file, 15);
      assert.equal(tail.content, 'third ü\n');
      assert.equal(tail.currentSize, Buffer.byteLength('third ü\n'));
      assert.equal(tail.fullSize, size);
      assert.deepEqual(await readTail(join(dir, 'missing'), 10), { content: '', currentSize: 0, fullSize: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('configured engines: listed when their interpreter starts, left out otherwise', () => {
    const specs = parseEngineSpecs('my-venv=Custom Python@/usr/bin/python3, broken=Ghost@/nonexistent/bin/python');
    assert.deepEqual(specs[0], { id: 'my-venv', name: 'Custom Python', runtime: '/usr/bin/python3' });
    const engines = detectEngines(specs);
    const mine = engines.find((e) => e.response.engine_id === 'my-venv');
    assert.ok(mine);
    assert.equal(mine.response.engine_name, 'Custom Python');
    assert.deepEqual(mine.extensions, ['.py']);
    assert.ok(!engines.some((e) => e.response.engine_id === 'broken'));
    assert.throws(() => parseEngineSpecs('no-path=Name'), /want id=Name@/);
  });

  test('the pool: configured smaller than the host, flavors follow it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'atelier-pool-'));
    try {
      const rt = createTrainingRuntime(dir, { capacity: new LocalPool({ cpu: 1, memoryMb: 2048 }).capacity });
      assert.deepEqual(rt.capacity, { cpu: 1, memoryMb: 2048 });
      assert.deepEqual(
        rt.flavors.map((f) => f.response.flavor_id),
        ['modelarts.vm.cpu.1u'],
      );
      assert.equal(rt.flavors[0]!.response.flavor_info.memory!.size, 2);
      assert.ok(fitsIn(rt.capacity, { cpu: 0, memoryMb: 0 }, { cpu: 1, memoryMb: 2048 }));
      assert.ok(!fitsIn(rt.capacity, { cpu: 1, memoryMb: 0 }, { cpu: 1, memoryMb: 1 }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
