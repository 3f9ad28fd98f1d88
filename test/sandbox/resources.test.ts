// The resource limits under the executor, without the API: the watchdog path (no cgroups: CPU
// affinity and a resident-memory watchdog), the cgroup path (memory limit, CPU quota), and
// a workload adopted after a restart keeping its limits.
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalExecutor, recordedExit } from '#src/runtime/local/local-executor.ts';
import { findProgram } from '#src/runtime/sandbox/host-tools.ts';
import { probePython } from '#src/runtime/sandbox/interpreters.ts';
import { ResourceControl, type GroupRecord } from '#src/runtime/sandbox/resource-control.ts';

const PYTHON = probePython('python3')!.executable;
const HOG =
  'import time\nkept = []\nfor i in range(40):\n    kept.append(b"x" * (16 << 20))\n    print("allocated", 16 * (i + 1), flush=True)\n    time.sleep(0.05)\n';
const cgroups = ResourceControl.detect(findProgram('taskset'));

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'atelier-limits-'));
}

async function run(control: ResourceControl, command: string[], limits: { cpu: number; memoryMb: number }) {
  const dir = scratch();
  const ex = new LocalExecutor({ resources: control });
  try {
    const group = control.create(`test-${process.pid}-${Date.now()}`, limits);
    const h = await ex.spawn({ dir, command, cwd: dir, env: { PATH: '/usr/bin:/bin' }, logFile: join(dir, 'log'), group });
    const exit = await h.exited;
    return { exit, log: readFileSync(join(dir, 'log'), 'utf8'), recorded: recordedExit(dir), group };
  } finally {
    ex.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('resource limits without cgroups: affinity and the memory watchdog', () => {
  const control = new ResourceControl(undefined, findProgram('taskset'));

  test('the watchdog kills a workload over its memory, and its exit says so', async () => {
    assert.equal(control.memory, 'watchdog');
    const { exit, log, recorded } = await run(control, [PYTHON, '-c', HOG], { cpu: 1, memoryMb: 96 });
    assert.deepEqual(exit.overMemory, { limitMb: 96 });
    assert.equal(exit.signal, 'SIGKILL');
    assert.match(log, /allocated 16/);
    assert.doesNotMatch(log, /allocated 640/);
    assert.ok((exit.usage?.peakMemoryMb ?? 0) > 96, 'the peak seen is over the limit');
    assert.deepEqual(recorded?.overMemory, { limitMb: 96 }, 'a restarted server reads it from the folder');
  });

  test('a workload under its memory is left alone; CPU affinity gives it as many cores as its flavor', async () => {
    if (control.cpu !== 'affinity') return;
    const { exit, log } = await run(control, ['/bin/sh', '-c', 'grep Cpus_allowed_list /proc/self/status'], { cpu: 1, memoryMb: 96 });
    assert.deepEqual({ code: exit.code, over: exit.overMemory }, { code: 0, over: undefined });
    assert.match(log, /^Cpus_allowed_list:\s+\d+\s*$/m, 'one core');
  });
});

describe('resource limits with cgroups', { skip: cgroups.memory === 'watchdog' ? 'no usable cgroups here (not root, or none mounted)' : false }, () => {
  test('a memory cgroup stops a workload at its limit; the group is removed after', async () => {
    const { exit, log, group } = await run(cgroups, [PYTHON, '-c', HOG], { cpu: 1, memoryMb: 96 });
    assert.deepEqual(exit.overMemory, { limitMb: 96 });
    assert.doesNotMatch(log, /allocated 112/, 'it never got past the limit');
    assert.ok(group.record.memory.dir && !existsSync(group.record.memory.dir), 'the cgroup is gone');
  });

  test('a CPU quota of 0.3 core holds a busy process to about that', { skip: !cgroups.cpu.startsWith('cgroup') }, async () => {
    const busy =
      'import os, time\ns = time.time()\nwhile time.time() - s < 2.0:\n    pass\nt = os.times()\nprint("ratio %.3f" % ((t.user + t.system) / (time.time() - s)))\n';
    const { exit, log } = await run(cgroups, [PYTHON, '-c', busy], { cpu: 0.3, memoryMb: 256 });
    assert.equal(exit.code, 0, log);
    const ratio = Number(/ratio ([\d.]+)/.exec(log)?.[1]);
    assert.ok(ratio > 0 && ratio <= 0.45, `a busy process used ${ratio} of a core under a 0.3 quota`);
    // On a loaded machine other processes may leave it less than its quota: then the quota had nothing to hold back.
    if (ratio >= 0.25) assert.ok((exit.usage?.throttledSeconds ?? 0) > 0, `the quota held it back (it used ${ratio} of a core)`);
  });

  test('a workload adopted after a restart keeps its limits: going over its memory is still reported', async () => {
    const dir = scratch();
    const second = new LocalExecutor({ resources: cgroups, pollMs: 50 });
    try {
      // The first server starts the workload and is gone at once; this one adopts it.
      const spec = { dir, command: [PYTHON, '-c', `import time\ntime.sleep(1.5)\n${HOG}`], memoryMb: 96 };
      const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'spawn-and-exit.ts'), JSON.stringify(spec)], {
        encoding: 'utf8',
      });
      const started = JSON.parse(out) as { pid: number; startTicks: number; record: GroupRecord };
      const adopted = second.adopt(started.pid, started.startTicks, dir);
      assert.ok(adopted, 'the running workload is adopted');
      const exit = await adopted.exited;
      assert.deepEqual(exit.overMemory, { limitMb: 96 });
      assert.ok(!existsSync(started.record.memory.dir!), 'the adopting server removed the cgroup');
    } finally {
      second.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
