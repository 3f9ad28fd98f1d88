// The data-transfer family (import, and later export and sync): its public face. No family imports
// it: the datasets family writes its scans' import records through its DatasetImportsPort, which the
// wiring (modules/index.ts) fills with the ImportTasks dataTransferModule returns.
export type { ImportDatasets } from './ports.ts';
export type { ImportTasks } from './import-tasks.ts';
