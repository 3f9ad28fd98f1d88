import type { IdentityService } from '#src/auth/identity-service.ts';
import type { Principal } from '#src/auth/principal.ts';
import { errors } from '#src/core/errors.ts';
import { hexId, shortId } from '#src/core/ids.ts';
import { KeyedSerial } from '#src/core/serial.ts';
import type { Clock } from '#src/core/time.ts';
import { isUniqueViolation } from '#src/db/driver-errors.ts';
import { parseEmails } from './emails.ts';
import { workforceErrors } from './errors.ts';
import type { BatchResult, CreateWorkerRequest, ListAllWorkersQuery, ListWorkersQuery, ListWorkforcesQuery, Worker, Workforce } from './schemas.ts';
import type { Static } from 'typebox';
import type { CreateWorkforceRequest, UpdateWorkerRequest, UpdateWorkforceRequest, WorkerList, WorkforceList } from './schemas.ts';
import type { WorkerFilter, WorkerWithSignIn, WorkforceStore } from './store.ts';
import type { WorkerRoleValue, WorkerRow, WorkforceRow } from './tables.ts';
import { workerView, workforceView } from './views.ts';

/** The team labeling tasks that use a team: a team in use is not deleted. Given by the workforce-tasks family. */
export interface WorkforceUsage {
  tasksUsing(projectId: string, workforceId: string): Promise<string[]>;
}

/** The teams a team labeling task uses (ListWorkforces' workforce_task_id); undefined for a task the project does not have. */
export interface TaskWorkforces {
  workforcesOfTask(projectId: string, taskId: string): Promise<readonly string[] | undefined>;
}

export interface WorkforceServiceDeps {
  store: WorkforceStore;
  clock: Clock;
  identity: IdentityService;
  usage?: WorkforceUsage;
  taskWorkforces?: TaskWorkforces;
}

/** A member as other families see it: the wire view with the identity that signs in for it. */
export type WorkerRecord = Worker & { user_id: string; project_id: string };

export function workerRecord(row: WorkerWithSignIn): WorkerRecord {
  return { ...workerView(row), user_id: row.user_id, project_id: row.project_id };
}

/**
 * Labeling teams and their members (#41-45, #47-53). Each member has a sign-in identity of role
 * 'worker' in the project's account; removing a member's last team in the project takes the
 * identity out of the project and ends its tokens there, so its next request is refused.
 */
export class WorkforceService {
  /** Writes to one project's teams run one at a time, so name and membership checks cannot race. */
  private readonly serial = new KeyedSerial();

  constructor(private readonly deps: WorkforceServiceDeps) {}

  // ---- teams ----

  async list(projectId: string, q: ListWorkforcesQuery): Promise<Static<typeof WorkforceList>> {
    let ids: readonly string[] | undefined;
    if (q.workforce_task_id !== undefined) {
      ids = (await this.deps.taskWorkforces?.workforcesOfTask(projectId, q.workforce_task_id)) ?? [];
      if (ids.length === 0) return { total_number: 0, workforces: [] };
    }
    const filter = { projectId, ...(q.search_content ? { search: q.search_content } : {}), ...(ids ? { ids } : {}) };
    const total = await this.deps.store.countWorkforces(filter);
    const rows = await this.deps.store.pageWorkforces(filter, {
      sortBy: q.sort_by === 'workforce_name' ? 'name' : 'created_at',
      order: q.order ?? 'desc',
      limit: q.limit,
      offset: q.offset * q.limit,
    });
    return { total_number: total, workforces: rows.map((r) => workforceView(r, Number(r.worker_count ?? 0))) };
  }

  async create(projectId: string, body: Static<typeof CreateWorkforceRequest>): Promise<{ workforce_id: string }> {
    return this.serial.run(projectId, async () => {
      if (await this.deps.store.workforceByName(projectId, body.workforce_name)) throw workforceErrors.nameTaken(body.workforce_name);
      const now = this.deps.clock.now();
      const row: WorkforceRow = {
        id: shortId(),
        project_id: projectId,
        name: body.workforce_name,
        description: body.description ?? '',
        workspace_id: '0',
        created_at: now,
        updated_at: now,
      };
      try {
        await this.deps.store.insertWorkforce(row);
      } catch (e) {
        if (isUniqueViolation(e)) throw workforceErrors.nameTaken(body.workforce_name);
        throw e;
      }
      return { workforce_id: row.id };
    });
  }

  /** The team, or the 404 of one the project does not have. */
  async requireWorkforce(projectId: string, workforceId: string): Promise<WorkforceRow> {
    const row = await this.deps.store.getWorkforce(projectId, workforceId);
    if (!row) throw workforceErrors.notFound(workforceId);
    return row;
  }

  async describe(projectId: string, workforceId: string): Promise<Workforce> {
    const row = await this.requireWorkforce(projectId, workforceId);
    return workforceView(row, await this.deps.store.workerCount(row.id));
  }

  async update(projectId: string, workforceId: string, body: Static<typeof UpdateWorkforceRequest>): Promise<Record<string, never>> {
    return this.serial.run(projectId, async () => {
      const row = await this.requireWorkforce(projectId, workforceId);
      if (body.workforce_name !== undefined && body.workforce_name !== row.name && (await this.deps.store.workforceByName(projectId, body.workforce_name))) {
        throw workforceErrors.nameTaken(body.workforce_name);
      }
      try {
        await this.deps.store.updateWorkforce(row.id, {
          ...(body.workforce_name !== undefined ? { name: body.workforce_name } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          updated_at: this.deps.clock.now(),
        });
      } catch (e) {
        if (isUniqueViolation(e) && body.workforce_name !== undefined) throw workforceErrors.nameTaken(body.workforce_name);
        throw e;
      }
      return {};
    });
  }

  /** Deletes the team and its members; members left in no team of the project lose their access at once. */
  async remove(projectId: string, workforceId: string): Promise<void> {
    await this.serial.run(projectId, async () => {
      const row = await this.requireWorkforce(projectId, workforceId);
      const tasks = (await this.deps.usage?.tasksUsing(projectId, row.id)) ?? [];
      if (tasks.length > 0) throw workforceErrors.inUse(tasks);
      const users = await this.deps.store.deleteWorkforce(row.id);
      await this.revokeLeavers(projectId, users);
    });
  }

  // ---- members ----

  async listAllWorkers(projectId: string, q: ListAllWorkersQuery): Promise<Static<typeof WorkerList>> {
    return this.pageWorkers({ projectId, ...(q.role !== undefined ? { role: q.role } : {}) }, q);
  }

  async listWorkers(projectId: string, workforceId: string, q: ListWorkersQuery): Promise<Static<typeof WorkerList>> {
    await this.requireWorkforce(projectId, workforceId);
    return this.pageWorkers({ projectId, workforceId }, q);
  }

  private async pageWorkers(filter: WorkerFilter, q: ListWorkersQuery): Promise<Static<typeof WorkerList>> {
    const total = await this.deps.store.countWorkers(filter);
    const rows = await this.deps.store.pageWorkers(filter, {
      sortBy: q.sort_by === 'email' ? 'email' : 'created_at',
      order: q.order ?? 'desc',
      limit: q.limit,
      offset: q.offset * q.limit,
    });
    return { total_number: total, workers: rows.map(workerView) };
  }

  /**
   * Adds a member per address, each with its sign-in identity in the project. Nothing is sent: the
   * spec sends invitations through SendEmails (#46), which calls WorkforceInvitations.invite.
   */
  async createWorkers(caller: Principal, workforceId: string, body: CreateWorkerRequest): Promise<Record<string, never>> {
    const emails = parseEmails(body.emails);
    return this.serial.run(caller.projectId, async () => {
      const team = await this.requireWorkforce(caller.projectId, workforceId);
      const taken = await this.deps.store.emailsInTeam(team.id, emails);
      if (taken.length > 0) throw workforceErrors.workerExists(taken[0]!);
      const project = await this.deps.identity.projectById(caller.projectId);
      if (!project) throw workforceErrors.notFound(workforceId);
      const now = this.deps.clock.now();
      const rows: WorkerRow[] = [];
      for (const email of emails) {
        const user = await this.deps.identity.workerIdentity(project.domain_id, email);
        await this.deps.identity.addMember(project, user);
        rows.push({
          id: hexId(),
          workforce_id: team.id,
          project_id: caller.projectId,
          email,
          role: body.role,
          description: body.description ?? '',
          invite_status: 0,
          user_id: user.id,
          deleted_at: null,
          created_at: now,
          updated_at: now,
        });
      }
      try {
        await this.deps.store.insertWorkers(rows);
      } catch (e) {
        // Another replica added one of the addresses meanwhile (the unique index on team and address).
        if (isUniqueViolation(e)) throw workforceErrors.workerExists(emails.join(', '));
        throw e;
      }
      return {};
    });
  }

  /** The member, or the 404 of one the team does not have (another project's team is a 404 first). */
  async requireWorker(projectId: string, workforceId: string, workerId: string): Promise<WorkerWithSignIn> {
    await this.requireWorkforce(projectId, workforceId);
    const [row] = await this.deps.store.workersById(projectId, [workerId]);
    if (!row || row.workforce_id !== workforceId) throw workforceErrors.workerNotFound(workerId);
    return row;
  }

  async describeWorker(projectId: string, workforceId: string, workerId: string): Promise<Worker> {
    return workerView(await this.requireWorker(projectId, workforceId, workerId));
  }

  async updateWorker(projectId: string, workforceId: string, workerId: string, body: Static<typeof UpdateWorkerRequest>): Promise<Record<string, never>> {
    const row = await this.requireWorker(projectId, workforceId, workerId);
    await this.deps.store.updateWorker(row.id, {
      ...(body.role !== undefined ? { role: body.role } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      updated_at: this.deps.clock.now(),
    });
    return {};
  }

  async removeWorker(projectId: string, workforceId: string, workerId: string): Promise<void> {
    await this.serial.run(projectId, async () => {
      const row = await this.requireWorker(projectId, workforceId, workerId);
      const removed = await this.deps.store.removeWorkers([row.id], this.deps.clock.now());
      await this.revokeLeavers(
        projectId,
        removed.map((r) => r.user_id),
      );
    });
  }

  /** Removes the members in one transaction; an id the team does not have fails alone, in its own result. */
  async batchRemoveWorkers(projectId: string, workforceId: string, ids: readonly string[]): Promise<BatchResult> {
    if (ids.length === 0) throw errors.badParam('body.workers must name at least one member');
    return this.serial.run(projectId, async () => {
      await this.requireWorkforce(projectId, workforceId);
      const found = new Set((await this.deps.store.workersById(projectId, ids)).filter((w) => w.workforce_id === workforceId).map((w) => w.id));
      const removed = await this.deps.store.removeWorkers([...found], this.deps.clock.now());
      await this.revokeLeavers(
        projectId,
        removed.map((r) => r.user_id),
      );
      const results = ids.map((id) => {
        if (found.has(id)) return { success: true };
        const e = workforceErrors.workerNotFound(id);
        return { success: false, error_code: e.code, error_msg: e.message };
      });
      const failed = results.find((r) => !r.success);
      return failed ? { success: false, error_code: failed.error_code, error_msg: failed.error_msg, results } : { success: true, results };
    });
  }

  /** Identities that are in no team of the project any more leave the project: their tokens there end now. */
  private async revokeLeavers(projectId: string, userIds: readonly string[]): Promise<void> {
    for (const userId of new Set(userIds)) {
      if (!(await this.deps.store.hasActiveMembership(projectId, userId))) await this.deps.identity.removeMember(projectId, userId);
    }
  }

  // ---- for the team labeling tasks ----

  /** The current members of a team of the project, oldest first, optionally of one role. */
  async membersOf(projectId: string, workforceId: string, role?: WorkerRoleValue): Promise<WorkerRecord[]> {
    const team = await this.requireWorkforce(projectId, workforceId);
    return (await this.deps.store.workersOf(team.id, role)).map(workerRecord);
  }

  /** Members of the project by worker id; `withDeleted` includes removed ones (status 3), as task views show them. */
  async workersById(projectId: string, workerIds: readonly string[], withDeleted = false): Promise<WorkerRecord[]> {
    return (await this.deps.store.workersById(projectId, workerIds, withDeleted)).map(workerRecord);
  }

  /** The memberships of a worker principal in its project (empty for any other caller). */
  async workerOfPrincipal(caller: Principal): Promise<WorkerRecord[]> {
    if (caller.role !== 'worker') return [];
    return (await this.deps.store.workersOfUser(caller.projectId, caller.userId)).map(workerRecord);
  }
}
