// The team labeling tasks' shared pieces within the family (the acceptance files build on them).
export { WorkforceTaskStore, type StateCounts } from './store.ts';
export { SAMPLE_MOVES, canMove, afterLabel, afterReview, afterAcceptance, type SampleMove } from './sample-states.ts';
export { TaskSample, TaskSampleList, SampleStats, TaskParams, TaskSampleParams, DatasetTaskParams, WorkforceTask, WorkerTask } from './schemas.ts';
export { TaskSampleState, WorkforceTaskStatus, AcceptanceStatus } from './tables.ts';
export { workforceTasksModule, taskWorkforcePorts, type WorkforceTasksDeps } from './module.ts';
