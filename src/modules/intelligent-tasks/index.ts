// The intelligent tasks family's public face: nothing is used by other families yet.
export type { TaskType } from './schemas.ts';
