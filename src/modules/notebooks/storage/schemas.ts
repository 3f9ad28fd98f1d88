// Wire shapes of the OBS mounts of notebook instances (#92-95), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { ProjectParams, StringCodes } from '#src/core/schemas.ts';
import { Closed } from '#src/core/request-bounds.ts';

/** The most folders one instance may have mounted at once. */
export const MAX_MOUNTS = 10;

/** The spec names the instance `instance_id` in these paths (`id` in the others). */
export const InstanceParams = Type.Object({
  ...ProjectParams.properties,
  instance_id: Type.String({ minLength: 1, maxLength: 64, description: 'Instance id, as CreateNotebook answered' }),
});

export const StorageParams = Type.Object({
  ...InstanceParams.properties,
  storage_id: Type.String({ minLength: 1, maxLength: 64, description: 'Mount id, as AttachObs answered' }),
});

const Category = StringCodes(
  ['OBS', 'OBSFS'] as const,
  { OBS: 'an OBS folder (the default)', OBSFS: 'an OBS parallel file system folder (handled the same way here)' },
  'Storage category',
);

export const AttachObsRequest = Closed({
  category: Type.Optional(Category),
  mount_path: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description:
        'Where the folder appears inside the instance: a new or empty folder under the working directory /home/ma-user/work/ (not the directory itself), ' +
        'without "..", empty parts or NUL (default /home/ma-user/work/data/<last part of uri>/)',
    }),
  ),
  uri: Type.String({
    minLength: 1,
    maxLength: 1024,
    description: "The OBS folder to mount: obs://bucket/folder/ (or /bucket/folder/); the bucket must be the caller's account's or granted to it",
  }),
});
export type AttachObsRequest = Static<typeof AttachObsRequest>;

export const MountStatusField = StringCodes(
  ['MOUNTING', 'MOUNT_FAILED', 'MOUNTED', 'UNMOUNTING', 'UNMOUNT_FAILED', 'UNMOUNTED'] as const,
  {
    MOUNTING: 'the folder is being copied into the volume',
    MOUNT_FAILED: 'copying it in failed (see fail_reason); the next start tries again',
    MOUNTED: 'the folder is at mount_path',
    UNMOUNTING: 'what changed is being copied back, then the folder leaves the volume',
    UNMOUNT_FAILED: 'copying back failed (see fail_reason); the folder stays in the volume and detach or the next stop tries again',
    UNMOUNTED: 'the instance is stopped: the folder was copied back and leaves the volume until the next start mounts it again',
  },
  'Mount status',
);

export const SyncMode = StringCodes(
  ['LIVE', 'COPY'] as const,
  {
    LIVE: 'the fs object store, or any store on the kubernetes executor (a sync sidecar): each file written or deleted in the folder is written to or deleted from OBS at once (and all is checked again at detach and stop)',
    COPY: 'the s3 object store on the local executor: the folder is copied in at attach and at each start; what changed (deleted files too) is copied back at detach and stop',
  },
  'How changes reach OBS (an Atelier extension)',
);

export const DataVolumeRes = Type.Object(
  {
    category: Type.String({ description: 'Storage category: OBS or OBSFS, as asked' }),
    id: Type.String({ description: 'Mount id (storage_id in the other storage APIs)' }),
    mount_path: Type.String({ description: 'Where the folder is inside the instance, under /home/ma-user/work/' }),
    status: MountStatusField,
    uri: Type.String({ description: 'The mounted OBS folder, obs://bucket/folder/' }),
    sync_mode: SyncMode,
    fail_reason: Type.Optional(Type.String({ description: 'Why the last copy in or back failed (an Atelier extension)' })),
  },
  { description: 'An OBS folder mounted on the instance' },
);
export type DataVolumeRes = Static<typeof DataVolumeRes>;

export const ListMountsResponse = Type.Object({
  current: Type.Integer({ description: 'This page (1: every mount is on one page)' }),
  data: Type.Array(DataVolumeRes, { description: `The instance's mounts, oldest first (at most ${MAX_MOUNTS})` }),
  pages: Type.Integer({ description: 'Number of pages (1, or 0 when there is no mount)' }),
  size: Type.Integer({ description: 'Mounts on this page' }),
  total: Type.Integer({ description: 'Mounts of the instance' }),
});
