// The workforces family's public face: what the team labeling tasks build on.
// - WorkforceService: requireWorkforce, membersOf (a team's members, of a role), workersById,
//   workerOfPrincipal (the worker principal's memberships);
// - WorkforceInvitations.invite: mail invitations to members (SendEmails #46);
// - the ports a tasks family gives back: WorkforceUsage (refuse deleting a team in use), TaskWorkforces.
export { workforcesModule, type WorkforcesDeps } from './module.ts';
export { WorkforceService, type WorkerRecord, type WorkforceUsage, type TaskWorkforces } from './service.ts';
export { WorkforceInvitations, type InvitationNote } from './invitations.ts';
export { workerStatus } from './views.ts';
export { isEmail } from './emails.ts';
export { BatchItemResult, BatchResult, Worker, Workforce } from './schemas.ts';
export type { WorkerRoleValue } from './tables.ts';
