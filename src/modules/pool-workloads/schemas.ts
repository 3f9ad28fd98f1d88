import { Type } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';

// The jobs, services and notebooks placed in a dedicated pool (#157, #158), in the spec's shape.

const TYPES = ['train', 'infer', 'notebook'] as const;
const typeMeanings = { train: 'a training job', infer: 'a real-time service', notebook: 'a notebook instance' };

export const STATUSES = ['Queue', 'Pending', 'Abnormal', 'Terminating', 'Creating', 'Running', 'Completed', 'Terminated', 'Failed'] as const;
const statusMeanings = {
  Queue: 'queued, waiting for the pool to have room',
  Pending: 'placed, its processes not started yet',
  Abnormal: 'in trouble (e.g. a service instance that stopped answering)',
  Terminating: 'being stopped',
  Creating: 'being prepared (files, environment)',
  Running: 'running',
  Completed: 'finished successfully',
  Terminated: 'stopped by its owner',
  Failed: 'ended with an error',
};

export const WorkloadType = StringCodes(TYPES, typeMeanings, 'Kind of work');
export const WorkloadStatus = StringCodes(STATUSES, statusMeanings, 'State of the work');

export const Workload = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: Workload' }),
  type: WorkloadType,
  namespace: Type.String({ description: 'The pool the work is placed in (its metadata.name)' }),
  name: Type.String({ description: 'Name of the work in the pool (the key it holds the pool’s capacity under)' }),
  jobName: Type.String({ description: 'Name of the job, service or notebook' }),
  uid: Type.String({ description: 'ID of the work in the pool, derived from its name' }),
  jobUUID: Type.String({ description: 'ID of the job, service or notebook' }),
  flavor: Type.String({ description: 'Flavor the work runs on' }),
  status: WorkloadStatus,
  resourceRequirement: Type.Object(
    {
      cpu: Type.String({ description: 'Cores it asks for, in all replicas, as a Kubernetes quantity (e.g. 2, 500m)' }),
      memory: Type.String({ description: 'Memory it asks for, in all replicas, as a Kubernetes quantity (e.g. 4096Mi)' }),
      'nvidia.com/gpu': Type.Optional(Type.String({ description: 'GPUs it asks for; absent: none (this host has none to give)' })),
    },
    { description: 'What the work takes of the pool' },
  ),
  priority: Type.String({ description: 'Scheduling priority; the pool runs work first come, first served, so every workload has priority 1' }),
  runningDuration: Type.Integer({ description: 'Seconds it has run (until it ended), 0 before it starts' }),
  pendingDuration: Type.Integer({ description: 'Seconds it waited between creation and start (so far, while it waits)' }),
  pendingPosition: Type.Integer({ description: 'Its place in the pool’s queue (1 = next) while queued, 0 otherwise' }),
  createTime: Type.Integer({ description: 'When it was created (epoch ms)' }),
  gvk: Type.String({ description: 'The resource kind of the work, as group/version, Kind=kind' }),
  hostIps: Type.String({ description: 'IP addresses of the nodes its replicas are placed on, separated by commas; empty while not placed' }),
});

export const WorkloadList = Type.Object({
  apiVersion: Type.String({ description: 'API version: v1' }),
  kind: Type.String({ description: 'Resource kind: WorkloadList' }),
  items: Type.Array(Workload, { description: 'The workloads of this page' }),
});

export const ListWorkloadsQuery = Type.Object({
  type: Type.Optional(StringCodes(TYPES, typeMeanings, 'Only work of this kind')),
  status: Type.Optional(StringCodes(STATUSES, statusMeanings, 'Only work in this state')),
  sort: Type.Optional(StringCodes(['create_time'], { create_time: 'by creation time' }, 'Order of the list (newest first unless ascend)')),
  ascend: Type.Optional(Type.Boolean({ description: 'Oldest first when true (default false: newest first)' })),
  offset: Type.Optional(Type.String({ maxLength: 10, pattern: '^[0-9]+$', description: 'Workloads to skip before the page starts, as digits (default 0)' })),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 500, description: 'Most workloads on a page, up to 500; absent or 0: 500' })),
});

const StatusCounts = Type.Object(
  Object.fromEntries(STATUSES.map((s) => [s, Type.Integer({ description: `How many are ${statusMeanings[s]}` })])) as Record<
    (typeof STATUSES)[number],
    ReturnType<typeof Type.Integer>
  >,
  { description: 'How many are in each state' },
);

export const WorkloadStatistics = Type.Object({
  statistics: Type.Object(
    {
      total: Type.Integer({ description: 'How many kinds are counted (the length of items)' }),
      items: Type.Array(
        Type.Object({
          type: WorkloadType,
          total: Type.Integer({ description: 'How many workloads of this kind the pool has' }),
          status: StatusCounts,
        }),
        { description: 'The counts of each kind of work: train, infer and notebook' },
      ),
    },
    { description: 'The pool’s workloads counted by kind and state' },
  ),
});

export const PoolParams = Type.Object({
  ...ProjectParams.properties,
  pool_name: Type.String({ minLength: 1, maxLength: 64, description: 'The pool’s id (metadata.name)' }),
});

export const workloadTypes = TYPES;
