// The data-transfer family (import, and later export and sync): what other families may use.
export { ImportTasks } from './import-tasks.ts';
export { ImportTaskStore } from './import-store.ts';
export { dataTransferRoutes } from './routes.ts';
