// How a batch run's pod reads as waiting for a node (the scheduler's PodScheduled=False condition), and since when:
// the run fails once that wait passes --kube-schedule-timeout (batch-instance-logs.test.ts runs it on the cluster).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { unscheduled } from '#src/modules/services/kube-batch.ts';

const at = new Date('2026-12-06T21:00:00Z');
const unplaced = (condition: Record<string, unknown>, nodeName?: string): V1Pod => ({
  metadata: { name: 'p' },
  ...(nodeName ? { spec: { nodeName, containers: [] } } : {}),
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', ...condition }] },
});

test("an unschedulable pod waits with the scheduler's reason, since the condition's time", () => {
  const pod = unplaced({ reason: 'Unschedulable', message: '0/2 nodes are available: 2 Insufficient memory.', lastTransitionTime: at });
  assert.deepEqual(unscheduled(pod), { reason: 'Unschedulable: 0/2 nodes are available: 2 Insufficient memory.', since: at.getTime() });
});

test('a condition with no time or reason still waits, from when it is first seen (since undefined)', () => {
  assert.deepEqual(unscheduled(unplaced({})), { reason: 'Unschedulable', since: undefined });
});

test('a pod bound to a node, or scheduled, or not looked at yet does not wait for one', () => {
  assert.equal(unscheduled(unplaced({ reason: 'Unschedulable' }, 'node-a')), undefined);
  assert.equal(unscheduled({ metadata: { name: 'p' }, status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] } }), undefined);
  assert.equal(unscheduled({ metadata: { name: 'p' }, status: { phase: 'Pending' } }), undefined);
});
