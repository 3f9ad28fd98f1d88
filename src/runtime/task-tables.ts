// Placeholder until the durable task queue lands.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface TaskTables {}
