// The sync sidecar's report lines (kube OBS mounts): however long its log grows, its last SYNC_LOG_BYTES (all Atelier
// reads) tell each mount's current status, and no line is longer than a bounded size whatever its reason holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReports, REPRINT_BYTES, ReportLog, SYNC_LOG_BYTES } from '#src/modules/notebooks/storage/pod-reports.ts';
import { MAX_MOUNTS } from '#src/modules/notebooks/storage/schemas.ts';
import { tailText } from '#src/runtime/kubernetes/pod-logs.ts';

describe('sync sidecar reports', () => {
  it("the log's end holds every mount's last status after a burst of lines far longer than it", () => {
    let log = '';
    const reports = new ReportLog((line) => (log += line));
    const ids = Array.from({ length: MAX_MOUNTS }, (_, i) => `m${i}`);
    // reasons of escaped characters, as long as a line may carry
    for (const id of ids) reports.say({ id, status: 'MOUNTED', reason: '\u0001'.repeat(5000) });
    reports.say({ id: 'm3', status: 'MOUNT_FAILED', reason: 'the copy in failed' });
    reports.say({ id: 'm4', status: 'UNMOUNTED', reason: '' });
    for (let i = 0; i < 20_000; i++) reports.say({ id: ids[i % 2]!, reason: `bad\\${i}.txt: not written to OBS` });
    const lines = log.split('\n').filter(Boolean);
    assert.ok(Buffer.byteLength(log) > 10 * SYNC_LOG_BYTES, `the log is long: ${log.length}`);
    assert.ok(Math.max(...lines.map((l) => Buffer.byteLength(l))) < 2048, 'every line is bounded');
    const end = parseReports(tailText(log, SYNC_LOG_BYTES));
    const all = parseReports(log);
    assert.deepEqual(new Map([...end].map(([id, r]) => [id, r.status])), new Map([...all].map(([id, r]) => [id, r.status])));
    assert.equal(end.get('m3')?.status, 'MOUNT_FAILED');
    assert.equal(end.get('m4')?.status, 'UNMOUNTED');
    assert.equal(end.get('m1')?.reason, 'bad\\19999.txt: not written to OBS');
    // a mount's state is said again after at most REPRINT_BYTES of lines, a line, and the re-print itself (the log is ASCII)
    const said: number[] = [];
    for (let at = log.indexOf('"id":"m9","status":"MOUNTED"'); at >= 0; at = log.indexOf('"id":"m9","status":"MOUNTED"', at + 1)) said.push(at);
    assert.ok(said.length > 10);
    const gaps = said.slice(1).map((at, i) => at - said[i]!);
    assert.ok(Math.max(...gaps) <= REPRINT_BYTES + 2048 * (MAX_MOUNTS + 1), `gaps: ${Math.max(...gaps)}`);
  });

  it('a mount no longer listed nor held is no longer said again', () => {
    let log = '';
    const reports = new ReportLog((line) => (log += line));
    reports.say({ id: 'gone', status: 'UNMOUNTED', reason: '' });
    reports.say({ id: 'kept', status: 'MOUNTED', reason: '' });
    reports.keepOnly(new Set(['kept']));
    log = '';
    reports.reprint();
    assert.deepEqual([...parseReports(log).keys()], ['kept']);
  });
});
