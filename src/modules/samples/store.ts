import type { Database } from '#src/db/database.ts';

/** SQL over the samples family's tables (labels, samples, sample labels, version copies, metrics). */
export class SampleStore {
  constructor(readonly database: Database) {}
}
