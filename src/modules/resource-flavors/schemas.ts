import { Type } from 'typebox';
import { IntCodes, StringCodes } from '#src/core/schemas.ts';

export const ListResourceFlavorsQuery = Type.Object({
  continue: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'Where the page starts: the metadata.continue of the previous page (the name of its next flavor)',
    }),
  ),
  labelSelector: Type.Optional(
    Type.String({
      maxLength: 1024,
      description:
        'Keeps the flavors whose labels match, in Kubernetes syntax: key=value, key!=value, key in (a,b), key notin (a,b), key, !key, joined by commas; os.modelarts/scope=Train matches a flavor whose scope lists Train',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Most flavors on one page (1-500; default: all)' })),
});

const ListMetadata = Type.Object(
  {
    continue: Type.Optional(Type.String({ description: 'Pass as continue to read the next page; absent on the last page' })),
    remainingItemCount: Type.Optional(Type.Integer({ description: 'How many matching flavors come after this page; absent on the last page' })),
  },
  { description: 'Paging of the list' },
);

const FlavorLabels = Type.Object(
  {
    'os.modelarts/scope': Type.String({
      description:
        'Workload types a slice of this flavor can run, comma-separated: Train (training jobs), Infer (services), Notebook (notebooks); all three here, on either executor',
    }),
  },
  { description: 'Labels of the flavor, which labelSelector filters on' },
);

const Accelerator = (kind: string) =>
  Type.Object(
    {
      type: Type.String({ description: `${kind} model` }),
      size: Type.String({ description: `How many ${kind}s one slice has` }),
    },
    { description: `${kind}s of the flavor; absent: none (no flavor here has one: the slices are of CPU and memory only)` },
  );

const DataVolume = Type.Object({
  volumeType: StringCodes(
    ['SSD', 'GPSSD', 'SAS', 'SATA'],
    { SSD: 'solid-state disk', GPSSD: 'general-purpose solid-state disk', SAS: 'high I/O spinning disk', SATA: 'common spinning disk' },
    'Kind of the disk under the data directory: SATA when its block device spins, else SSD',
  ),
  size: Type.String({
    description: 'Disk a slice gets, with unit Gi: the free space under the data directory, at most 50Gi (the disk of the training flavors)',
  }),
});

const FlavorSpec = Type.Object(
  {
    type: StringCodes(
      ['Dedicate', 'Logical'],
      { Dedicate: 'a node flavor a dedicated pool reserves slices of', Logical: 'a logical flavor of a shared pool' },
      'Kind of flavor; always Dedicate here: each is a slice of this host (of a cluster node on the kubernetes executor) that a dedicated pool can reserve',
    ),
    cpuArch: StringCodes(
      ['x86', 'arm64'],
      { x86: 'x86-64', arm64: '64-bit ARM' },
      'CPU architecture of this host; on the kubernetes executor, of the largest schedulable node',
    ),
    cpu: Type.String({ description: 'CPU cores of one slice: the vcpus of the notebook flavor and the cpu core_num of the training flavor of the same name' }),
    memory: Type.String({
      description:
        'Memory of one slice, with unit Gi (4 GiB a core, bounded by the local pool, or on the kubernetes executor by the largest node): the memory of the training and notebook flavors of the same name',
    }),
    gpu: Type.Optional(Accelerator('GPU')),
    npu: Type.Optional(Accelerator('NPU')),
    dataVolumes: Type.Array(DataVolume, { description: 'Data disks of one slice: one, on the disk of the data directory' }),
    billingModes: Type.Array(IntCodes([0, 1], { 0: 'pay per use', 1: 'yearly/monthly' }, 'Billing mode'), {
      description: 'Billing modes of the flavor (0: pay per use; 1: yearly/monthly): [0] here, nothing is charged and usage is only counted',
    }),
    jobFlavors: Type.Array(Type.String(), {
      description: 'Training flavors (GET training-job-flavors) that fit in one slice of this flavor: the same-named one and every smaller one',
    }),
  },
  { description: 'What one slice of the flavor holds' },
);

const FlavorStatus = Type.Object(
  {
    phase: Type.Record(
      Type.String(),
      StringCodes(['normal', 'soldout'], { normal: 'a slice fits now', soldout: 'a slice does not fit in what is free now' }, 'Sales status'),
      {
        description:
          "Sales status per zone. On the local executor the one zone is this host (named by its host name): normal while a slice fits in the local pool's free capacity now. On the kubernetes executor the zones are the nodes' topology.kubernetes.io/zone labels (a node without one counts under the kubeconfig's cluster name): normal while a Ready, schedulable node of the zone that no pool holds has the allocatable CPU and memory for a slice. Else soldout",
      },
    ),
  },
  { description: 'Whether the flavor can be had now' },
);

export const ResourceFlavor = Type.Object({
  apiVersion: StringCodes(['v1'], { v1: 'the only version' }, 'API version'),
  kind: StringCodes(['ResourceFlavor'], { ResourceFlavor: 'a resource flavor' }, 'Resource kind'),
  metadata: Type.Object(
    {
      name: Type.String({ description: 'Flavor name, modelarts.vm.cpu.<cores>u: the same id as the training, notebook and pool node flavor of that size' }),
      labels: FlavorLabels,
    },
    { description: 'Name and labels of the flavor' },
  ),
  spec: FlavorSpec,
  status: FlavorStatus,
});

export const ListResourceFlavorsResponse = Type.Object({
  apiVersion: StringCodes(['v1'], { v1: 'the only version' }, 'API version'),
  kind: StringCodes(['ResourceFlavorList'], { ResourceFlavorList: 'a list of resource flavors' }, 'Resource kind'),
  metadata: ListMetadata,
  items: Type.Array(ResourceFlavor, {
    description:
      "This host's flavors, smallest first; on the kubernetes executor the cluster's, cut up to its largest schedulable node (this host's when Atelier may not list nodes, which the log says). The same for every project: flavors are not a project's resources",
  }),
});
