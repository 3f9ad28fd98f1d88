import type { ObjectStoreConfig } from './config.ts';
import { FsObjectStore } from './fs-store.ts';
import type { ObjectStore } from './object-store.ts';
import { S3ObjectStore } from './s3-store.ts';

export type { ObjectStoreConfig } from './config.ts';
export { contentTypeOf, FOLDER_CONTENT_TYPE } from './content-types.ts';
export { FsObjectStore } from './fs-store.ts';
export { S3ObjectStore } from './s3-store.ts';
export * from './object-store.ts';
export * from './obs-path.ts';

/** The object store the config names, picked once at start-up. */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  return config.kind === 'fs' ? new FsObjectStore(config.root) : new S3ObjectStore(config);
}
