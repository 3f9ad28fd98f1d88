import type { AppContext, FamilyModule } from '#src/context.ts';
import { createMailer, type Mailer } from '#src/mail/index.ts';
import { WorkforceInvitations } from './invitations.ts';
import { workforceRoutes } from './routes.ts';
import { WorkforceService, type TaskWorkforces, type WorkforceUsage } from './service.ts';
import { WorkforceStore } from './store.ts';

export type WorkforcesDeps = Pick<AppContext, 'config' | 'database' | 'clock' | 'identity'> & {
  /** The team labeling tasks using a team (a team in use is not deleted). */
  usage?: WorkforceUsage;
  /** The teams of a team labeling task (ListWorkforces' workforce_task_id). */
  taskWorkforces?: TaskWorkforces;
  /** The mail port; by default nodemailer over the configured SMTP server. */
  mailer?: Mailer;
};

/** Labeling teams and members (#41-45, #47-53), their sign-in identities, and invitation mail. */
export function workforcesModule(deps: WorkforcesDeps): FamilyModule & { workforces: WorkforceService; invitations: WorkforceInvitations } {
  const store = new WorkforceStore(deps.database.db);
  const service = new WorkforceService({
    store,
    clock: deps.clock,
    identity: deps.identity,
    ...(deps.usage ? { usage: deps.usage } : {}),
    ...(deps.taskWorkforces ? { taskWorkforces: deps.taskWorkforces } : {}),
  });
  const invitations = new WorkforceInvitations({
    store,
    clock: deps.clock,
    identity: deps.identity,
    mailer: deps.mailer ?? createMailer(deps.config.mail),
    consoleUrl: deps.config.mail.consoleUrl,
    ttlMs: deps.config.mail.invitationTtlSeconds * 1000,
  });
  return {
    workforces: service,
    invitations,
    register: async (app) => void (await app.register(workforceRoutes, { service, invitations })),
  };
}
