// How a service pod's status, as a kubelet writes it, maps onto ready / waiting / failed with the reason the service's
// events and error message show. The shapes are the kubelet's for a Deployment's pods (restartPolicy Always): a
// container that keeps dying waits in CrashLoopBackOff with its last exit (OOMKilled) in lastState.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { servicePodState } from '#src/runtime/kubernetes/service-watch.ts';

const pod = (status: V1Pod['status']): V1Pod => ({ metadata: { name: 'p' }, status });
const scheduled = { type: 'PodScheduled', status: 'True' };

test('a Ready running pod answers at its address', () => {
  const state = servicePodState(pod({ phase: 'Running', podIP: '10.0.0.7', conditions: [scheduled, { type: 'Ready', status: 'True' }] }));
  assert.deepEqual(state, { kind: 'ready', podIp: '10.0.0.7' });
});

test('a running pod not Ready yet is waiting for its model server', () => {
  const state = servicePodState(pod({ phase: 'Running', podIP: '10.0.0.7', conditions: [scheduled, { type: 'Ready', status: 'False' }] }));
  assert.equal(state.kind, 'waiting');
});

test('CrashLoopBackOff after an OOM kill fails, naming both', () => {
  const state = servicePodState(
    pod({
      phase: 'Running',
      conditions: [scheduled, { type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'model-server',
          image: 'i',
          imageID: '',
          ready: false,
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
        },
      ],
    }),
  );
  assert.equal(state.kind, 'failed');
  assert.match(state.kind === 'failed' ? state.reason : '', /model-server: CrashLoopBackOff \(last exit: OOMKilled\)/);
});

test('a staging init container that cannot pull its image fails the pod', () => {
  const state = servicePodState(
    pod({
      phase: 'Pending',
      conditions: [scheduled],
      initContainerStatuses: [{ name: 'stage-model', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ErrImagePull' } } }],
    }),
  );
  assert.deepEqual(state, { kind: 'failed', reason: 'stage-model: ErrImagePull' });
});

test('an unschedulable pod waits with the scheduler reason', () => {
  const state = servicePodState(
    pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }),
  );
  assert.deepEqual(state, { kind: 'waiting', reason: 'Unschedulable: 0/3 nodes are available' });
});

test('an init container still staging is not a failure', () => {
  const state = servicePodState(
    pod({
      phase: 'Pending',
      conditions: [scheduled],
      initContainerStatuses: [{ name: 'stage-model', image: 'i', imageID: '', ready: false, restartCount: 0, state: { running: {} } }],
      containerStatuses: [{ name: 'model-server', image: 'i', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    }),
  );
  assert.deepEqual(state, { kind: 'waiting', reason: 'PodInitializing' });
});
