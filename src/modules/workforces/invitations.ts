import { createHash, randomBytes } from 'node:crypto';
import type { IdentityService } from '#src/auth/identity-service.ts';
import type { Clock } from '#src/core/time.ts';
import { MailHeaderError, type Mailer, type MailMessage } from '#src/mail/index.ts';
import { workforceErrors } from './errors.ts';
import type { BatchItemResult } from './schemas.ts';
import type { WorkforceStore } from './store.ts';
import type { WorkerRecord } from './service.ts';

export interface InvitationDeps {
  store: WorkforceStore;
  clock: Clock;
  identity: IdentityService;
  mailer: Mailer;
  /** Where links point (config mail.consoleUrl); empty: the origin of the request that sends them. */
  consoleUrl: string;
  ttlMs: number;
}

/** What an invitation mail may add about why it was sent (the task that needs the member). */
export interface InvitationNote {
  /** A line of plain text, e.g. 'You have been assigned samples of labeling task "cats".' */
  text?: string;
}

const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Invitation mail of labeling team members: each holds a single-use link, expiring after the
 * configured time, to the console page where the member sets their password. Only the link's hash
 * is stored. SendEmails (#46) and any later caller send through `invite`.
 */
export class WorkforceInvitations {
  constructor(private readonly deps: InvitationDeps) {}

  /**
   * Mails an invitation to each member and marks those sent as invited (status 1). Without an SMTP
   * server nothing is sent or marked, and the answer names the setting. A member whose mail fails
   * gets its own failed result and stays as it was.
   */
  async invite(workers: readonly WorkerRecord[], origin: string, note: InvitationNote = {}): Promise<BatchItemResult[]> {
    if (!this.deps.mailer.configured) throw workforceErrors.notSent(`no mail was sent: no SMTP server is configured, set ${this.deps.mailer.setting}`);
    const base = this.deps.consoleUrl || origin.replace(/\/+$/, '');
    const results: BatchItemResult[] = [];
    for (const worker of workers) {
      try {
        await this.inviteOne(worker, base, note);
        results.push({ success: true });
      } catch (e) {
        const failure = workforceErrors.notSent(`mail to ${worker.email} failed: ${e instanceof MailHeaderError ? e.message : describe(e)}`);
        results.push({ success: false, error_code: failure.code, error_msg: failure.message });
      }
    }
    return results;
  }

  private async inviteOne(worker: WorkerRecord, base: string, note: InvitationNote): Promise<void> {
    const [user, project, team] = await Promise.all([
      this.deps.identity.userById(worker.user_id),
      this.deps.identity.projectById(worker.project_id),
      this.deps.store.getWorkforce(worker.project_id, worker.workforce_id),
    ]);
    if (!user || !project || !team) throw new Error('the member is no longer in the project');
    const token = randomBytes(32).toString('base64url');
    const tokenHash = sha256(token);
    const now = this.deps.clock.now();
    const expiresAt = now + this.deps.ttlMs;
    // Recorded before the mail goes, so the link works as soon as it arrives; dropped if sending fails.
    await this.deps.store.insertInvitation({
      token_hash: tokenHash,
      worker_id: worker.worker_id,
      user_id: user.id,
      project_id: project.id,
      expires_at: expiresAt,
      used_at: null,
      created_at: now,
    });
    const message = invitationMail({
      to: worker.email,
      team: team.name,
      link: `${base}/invite/${token}`,
      domain: user.domain_name,
      project: project.name,
      projectId: project.id,
      expiresAt,
      ...(note.text !== undefined ? { note: note.text } : {}),
    });
    try {
      await this.deps.mailer.send(message);
    } catch (e) {
      await this.deps.store.dropInvitation(tokenHash);
      throw e;
    }
    await this.deps.store.markInvited(worker.worker_id, this.deps.clock.now());
  }

  /** Uses the link once: sets the member's password and says how to sign in. */
  async accept(token: string, password: string): Promise<{ domain_name: string; user_name: string; project_id: string; project_name: string }> {
    const tokenHash = sha256(token);
    const row = await this.deps.store.invitation(tokenHash);
    if (!row) throw workforceErrors.badInvitation('the invitation link is unknown, or its member was removed');
    if (row.used_at !== null) throw workforceErrors.badInvitation('the invitation link was already used');
    if (row.expires_at <= this.deps.clock.now()) throw workforceErrors.badInvitation('the invitation link has expired; ask for a new one');
    const [member] = await this.deps.store.workersById(row.project_id, [row.worker_id]);
    const project = await this.deps.identity.projectById(row.project_id);
    if (!member || !project) throw workforceErrors.badInvitation('the member was removed from the team');
    if (!(await this.deps.store.useInvitation(tokenHash, this.deps.clock.now()))) throw workforceErrors.badInvitation('the invitation link was already used');
    const user = await this.deps.identity.setWorkerPassword(row.user_id, password);
    return { domain_name: user.domain_name, user_name: user.name, project_id: project.id, project_name: project.name };
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message.split('\n')[0]!.slice(0, 300) : String(e);
}

interface InvitationFacts {
  to: string;
  team: string;
  link: string;
  domain: string;
  project: string;
  projectId: string;
  expiresAt: number;
  note?: string;
}

function invitationMail(f: InvitationFacts): MailMessage {
  const lines = [
    `You have been added to the labeling team "${f.team}" of project ${f.project}.`,
    ...(f.note ? ['', f.note] : []),
    '',
    'Set your password here (the link works once, until ' + new Date(f.expiresAt).toISOString() + '):',
    f.link,
    '',
    'Then sign in with:',
    `  account (domain): ${f.domain}`,
    `  user name: ${f.to}`,
    `  project: ${f.project} (${f.projectId})`,
  ];
  return { to: { address: f.to }, subject: `Invitation to the labeling team ${f.team}`, text: lines.join('\n') };
}
