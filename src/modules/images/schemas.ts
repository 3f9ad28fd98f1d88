// Request and answer shapes of the image APIs (#96-100), named as in the spec's tables.
import { Type, type Static } from 'typebox';
import { Closed, PageLimit, RecordOffset, Text } from '#src/core/request-bounds.ts';
import { StringCodes } from '#src/core/schemas.ts';

export const ARCHES = ['X86_64', 'AARCH64'] as const;
const ARCH_MEANINGS = { X86_64: 'x86 processors', AARCH64: 'Arm processors' };

export const ORIGINS = ['CUSTOMIZE', 'IMAGE_SAVE'] as const;
const ORIGIN_MEANINGS = {
  CUSTOMIZE: 'registered by the user (RegisterImage)',
  IMAGE_SAVE: "saved from a notebook instance's environment (CreateImage)",
};

export const SERVICE_TYPES = ['COMMON', 'INFERENCE', 'TRAIN', 'DEV', 'UNKNOWN'] as const;
const SERVICE_TYPE_MEANINGS = {
  COMMON: 'for any use',
  INFERENCE: 'for inference',
  TRAIN: 'for training',
  DEV: 'for development and debugging (notebooks)',
  UNKNOWN: 'no use was declared',
};

export const DEV_SERVICES = ['NOTEBOOK', 'SSH'] as const;
const DEV_SERVICE_MEANINGS = {
  NOTEBOOK: "JupyterLab in the browser, through Atelier's authenticated proxy",
  SSH: 'remote access from a local IDE over SSH (refused by notebooks unless an SSH gateway is configured)',
};

export const RESOURCE_CATEGORIES = ['CPU', 'GPU'] as const;
const RESOURCE_CATEGORY_MEANINGS = { CPU: 'CPU flavors', GPU: 'GPU flavors' };

export const IMAGE_TYPES = ['BUILD_IN', 'DEDICATED'] as const;
const IMAGE_TYPE_MEANINGS = {
  BUILD_IN: 'a Python interpreter found on this host, offered to every project',
  DEDICATED: "an image of the project's own: a registered environment or a saved notebook environment",
};

export const VISIBILITIES = ['PRIVATE', 'PUBLIC'] as const;
const VISIBILITY_MEANINGS = {
  PRIVATE: 'only the owning project sees it',
  PUBLIC: 'readable by other users by its ID; not offered here (a registered folder stays with its project), so a request for it is refused',
};

export const IMAGE_STATUSES = ['INIT', 'CREATING', 'CREATE_FAILED', 'ERROR', 'DELETED', 'ACTIVE'] as const;
const IMAGE_STATUS_MEANINGS = {
  INIT: 'being initialized (not used by Atelier)',
  CREATING: 'a saved image whose environment is still being copied',
  CREATE_FAILED: 'saving failed; status_message says why',
  ERROR: 'unusable (not used by Atelier)',
  DELETED: 'deleted: only the answer of DeleteImage shows it',
  ACTIVE: 'ready: notebooks and training jobs can start from it',
};

export const SORT_DIRS = ['ASC', 'DESC'] as const;
const SORT_DIR_MEANINGS = { ASC: 'ascending', DESC: 'descending (the default)' };

/** An array of coded values, its description explaining each value (the bound, when given, included). */
function codeArray<const T extends readonly string[]>(values: T, meanings: Record<T[number], string>, lead: string, maxItems?: number) {
  const list = Object.entries(meanings)
    .map(([value, meaning]) => `${value}: ${String(meaning)}`)
    .join('; ');
  const bound = maxItems === undefined ? '' : ` At most ${maxItems} items.`;
  return Type.Array(StringCodes(values, meanings, 'One value'), {
    description: `${lead}.${bound} ${list}`,
    ...(maxItems === undefined ? {} : { maxItems }),
  });
}

const ImageName = Type.String({
  description:
    "Image name: for a built-in image the engine ID (e.g. python3.11), for a registered one the folder name (the reference's last path component for a container image)",
});
const Namespace = Type.String({
  description:
    "Organization of the image: atelier for built-in images, local for registered environments, the reference's path between registry and name for a container image (library when none), as sent for saved ones",
});
const Timestamp = (what: string) => Type.Integer({ description: `Time (UTC, ms since the epoch) the image was ${what}` });

/** The answer's image, as ListImage shows it. */
export const ImageResponse = Type.Object({
  arch: StringCodes(ARCHES, ARCH_MEANINGS, "Processor architecture the image runs on: this host's, or for a container image as registered"),
  create_at: Timestamp('created'),
  description: Type.String({ description: 'Image description; for a built-in image, the interpreter and its key packages' }),
  dev_services: codeArray(DEV_SERVICES, DEV_SERVICE_MEANINGS, 'Services a notebook of this image offers'),
  id: Type.String({ description: 'Image ID (UUID); a built-in image keeps its ID as long as its interpreter stays where it is' }),
  name: ImageName,
  namespace: Namespace,
  origin: StringCodes(ORIGINS, ORIGIN_MEANINGS, 'Where the image comes from'),
  resource_categories: codeArray(RESOURCE_CATEGORIES, RESOURCE_CATEGORY_MEANINGS, 'Flavors the image is meant for'),
  service_type: StringCodes(SERVICE_TYPES, SERVICE_TYPE_MEANINGS, 'What the image is for'),
  size: Type.Integer({
    description: "Size of the environment's folder in KB (0 for a built-in interpreter, and for a container image, which Atelier does not pull)",
  }),
  status: StringCodes(IMAGE_STATUSES, IMAGE_STATUS_MEANINGS, 'Image status'),
  status_message: Type.String({
    description:
      'What Atelier read from the interpreter (Python version and key packages), or why saving failed; a container image says that its contents were not read',
  }),
  swr_path: Type.String({
    description:
      "Where the environment lives: a built-in image's interpreter, a registered environment's folder, a saved image's copy, or (kubernetes executor) the container image reference the cluster pulls",
  }),
  tag: Type.String({
    description:
      "Image tag: the Python version as py<version>, as sent for a saved image, or the reference's tag for a container image (the digest's first 12 hex digits, else latest)",
  }),
  type: StringCodes(IMAGE_TYPES, IMAGE_TYPE_MEANINGS, 'Image type'),
  update_at: Timestamp('last updated'),
  visibility: StringCodes(VISIBILITIES, VISIBILITY_MEANINGS, 'Who sees the image'),
  workspace_id: Type.String({ description: 'Workspace ID, "0" when none was given' }),
});
export type ImageResponse = Static<typeof ImageResponse>;

/** The answer of RegisterImage, ShowImage and DeleteImage: the image with support_res_categories too. */
export const ImageDetail = Type.Object({
  ...ImageResponse.properties,
  support_res_categories: codeArray(RESOURCE_CATEGORIES, RESOURCE_CATEGORY_MEANINGS, 'Flavors the image is meant for (the same as resource_categories)'),
});
export type ImageDetail = Static<typeof ImageDetail>;

export const RegisterImageRequest = Closed({
  arch: Type.Optional(
    StringCodes(
      ARCHES,
      ARCH_MEANINGS,
      "Processor architecture; when given it must be this host's. On the kubernetes executor any value is taken; the default is the architecture of the cluster's largest node",
    ),
  ),
  description: Type.Optional(Text(512, 'Image description, at most 512 characters')),
  origin: Type.Optional(StringCodes(ORIGINS, ORIGIN_MEANINGS, 'Where the image comes from, default CUSTOMIZE')),
  resource_category: Type.Optional(codeArray(RESOURCE_CATEGORIES, RESOURCE_CATEGORY_MEANINGS, 'Flavors the image is meant for, default ["CPU"]', 2)),
  service_type: Type.Optional(StringCodes(SERVICE_TYPES, SERVICE_TYPE_MEANINGS, 'What the image is for, default UNKNOWN')),
  services: Type.Optional(codeArray(DEV_SERVICES, DEV_SERVICE_MEANINGS, 'Services a notebook of this image offers, default ["NOTEBOOK"]', 2)),
  swr_path: Type.Optional(
    Text(
      1024,
      'Required. The absolute path of a local Python environment on the Atelier host: a virtualenv folder (holding pyvenv.cfg and bin/python) or a ' +
        'conda prefix (holding bin/python). Atelier runs that bin/python in the workload sandbox to check that it starts and reads its Python version ' +
        "and installed packages (importlib.metadata); the folder must not be inside Atelier's data directory. A container image reference " +
        '(registry/repo:tag) is refused on the local executor, which has no container runtime. On the kubernetes executor it is the other way ' +
        'round: swr_path must be a container image reference (registry/organization/name:tag or @sha256:digest), recorded ACTIVE without being ' +
        'pulled (notebooks and training jobs of it run that image; a notebook image must serve Jupyter), and a local path is refused',
    ),
  ),
  visibility: Type.Optional(StringCodes(VISIBILITIES, VISIBILITY_MEANINGS, 'Who sees the image, default PRIVATE; PUBLIC is refused')),
  workspace_id: Type.Optional(Text(64, 'Workspace ID, default "0"')),
});
export type RegisterImageRequest = Static<typeof RegisterImageRequest>;

export const SORT_KEYS = ['create_at', 'update_at', 'name', 'tag', 'type', 'status', 'size', 'namespace', 'version_count'] as const;

/** The filters ListImage and ListImageGroup share. */
export const ListImageQuery = Type.Object({
  limit: Type.Optional(PageLimit(1000, 200)),
  name: Type.Optional(Text(512, 'Images with this name, or whose name contains it when name_fuzzy_match is true')),
  name_fuzzy_match: Type.Optional(Type.Boolean({ default: true, description: 'true (default): name matches as a part of the name; false: the whole name' })),
  namespace: Type.Optional(Text(512, "Images of this organization (atelier, local, or a saved image's)")),
  offset: Type.Optional(RecordOffset),
  service_type: Type.Optional(StringCodes(SERVICE_TYPES, SERVICE_TYPE_MEANINGS, 'Images for this use')),
  sort_dir: Type.Optional(StringCodes(SORT_DIRS, SORT_DIR_MEANINGS, 'Sort order', { default: 'DESC' })),
  sort_key: Type.Optional(
    Text(
      256,
      `Fields to sort by, separated by commas, the first one first: ${SORT_KEYS.join(', ')} (version_count for groups only); ` +
        'default create_at for images, update_at for groups; another field is a 400 ModelArts.6303',
    ),
  ),
  type: Type.Optional(
    StringCodes(IMAGE_TYPES, IMAGE_TYPE_MEANINGS, "Images of this type; ListImage gives both when absent, ListImageGroup the project's own (DEDICATED)"),
  ),
  workspace_id: Type.Optional(Text(64, 'Images of this workspace')),
});
export type ListImageQuery = Static<typeof ListImageQuery>;

const pageFields = {
  current: Type.Integer({ description: 'Number of this page, from 1: offset / limit + 1' }),
  pages: Type.Integer({ description: 'Number of pages of limit records' }),
  size: Type.Integer({ description: 'Records on this page' }),
  total: Type.Integer({ description: 'Records that match the filters' }),
};

export const ListImageResponse = Type.Object({ ...pageFields, data: Type.Array(ImageResponse, { description: 'The images of this page' }) });
export type ListImageResponse = Static<typeof ListImageResponse>;

export const ImageGroup = Type.Object({
  name: ImageName,
  create_at: Type.Integer({ description: 'Time (UTC, ms) the oldest image of this name was created' }),
  namespace: Namespace,
  update_at: Type.Integer({ description: 'Time (UTC, ms) an image of this name was last updated' }),
  version_count: Type.Integer({ description: 'Images (tags) of this name and organization' }),
});
export type ImageGroup = Static<typeof ImageGroup>;

export const ListImageGroupResponse = Type.Object({ ...pageFields, data: Type.Array(ImageGroup, { description: 'The groups of this page' }) });
export type ListImageGroupResponse = Static<typeof ListImageGroupResponse>;

export const ImageParams = Type.Object({
  project_id: Type.String({ minLength: 1, maxLength: 64, description: 'Project ID' }),
  id: Type.String({ minLength: 1, maxLength: 64, description: 'Image ID' }),
});

export const DeleteImageQuery = Type.Object({
  force: Type.Optional(
    Type.Boolean({
      description:
        "Accepted for compatibility: Atelier always removes its own copy of a saved image, and never a registered environment's folder, which stays the user's",
    }),
  ),
});
