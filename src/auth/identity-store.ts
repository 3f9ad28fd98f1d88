import { sql } from 'kysely';
import type { Db } from '#src/db/database.ts';
import type { AccessKeyRow, DomainRow, ProjectRow, TokenRow, UserRow } from './tables.ts';

export interface UserWithDomain extends UserRow {
  domain_name: string;
}

/** SQL over the identity tables (domains, users, projects, members, access keys, tokens). */
export class IdentityStore {
  constructor(private readonly db: Db) {}

  insertDomain(row: DomainRow) {
    return this.db.insertInto('domains').values(row).execute();
  }
  domainByName(name: string) {
    return this.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
  }
  domainById(id: string) {
    return this.db.selectFrom('domains').selectAll().where('id', '=', id).executeTakeFirst();
  }
  countDomains() {
    return this.db
      .selectFrom('domains')
      .select((e) => e.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
  }

  firstDomain() {
    return this.db.selectFrom('domains').select('id').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst();
  }

  insertUser(row: UserRow) {
    return this.db.insertInto('users').values(row).execute();
  }
  private usersWithDomain() {
    return this.db.selectFrom('users').innerJoin('domains', 'domains.id', 'users.domain_id').selectAll('users').select('domains.name as domain_name');
  }
  userById(id: string): Promise<UserWithDomain | undefined> {
    return this.usersWithDomain().where('users.id', '=', id).executeTakeFirst();
  }
  userByName(domainId: string, name: string): Promise<UserWithDomain | undefined> {
    return this.usersWithDomain().where('users.domain_id', '=', domainId).where('users.name', '=', name).executeTakeFirst();
  }
  usersOfDomain(domainId: string): Promise<UserWithDomain[]> {
    return this.usersWithDomain().where('users.domain_id', '=', domainId).orderBy('users.name').execute();
  }
  allUsers(): Promise<UserWithDomain[]> {
    return this.usersWithDomain().orderBy('domains.name').orderBy('users.name').execute();
  }
  setPasswordHash(userId: string, passwordHash: string) {
    return this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).executeTakeFirst();
  }
  /** The user with their access keys, tokens and memberships (deleted explicitly: not every driver enforces the cascade). */
  async deleteUser(userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tokens').where('user_id', '=', userId).execute();
      await trx.deleteFrom('access_keys').where('user_id', '=', userId).execute();
      await trx.deleteFrom('project_members').where('user_id', '=', userId).execute();
      await trx.deleteFrom('users').where('id', '=', userId).execute();
    });
  }

  insertProject(row: ProjectRow) {
    return this.db.insertInto('projects').values(row).execute();
  }
  projectById(id: string) {
    return this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  }
  projectByName(domainId: string, name: string) {
    return this.db.selectFrom('projects').selectAll().where('domain_id', '=', domainId).where('name', '=', name).executeTakeFirst();
  }
  allProjects() {
    return this.db
      .selectFrom('projects')
      .innerJoin('domains', 'domains.id', 'projects.domain_id')
      .selectAll('projects')
      .select('domains.name as domain_name')
      .orderBy('domains.name')
      .orderBy('projects.name')
      .execute();
  }

  /** The project with its tokens and memberships. */
  async deleteProject(projectId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('tokens').where('project_id', '=', projectId).execute();
      await trx.deleteFrom('project_members').where('project_id', '=', projectId).execute();
      await trx.deleteFrom('projects').where('id', '=', projectId).execute();
    });
  }
  /**
   * Rows that other tables hold for the project, by table: every table with a project_id column
   * except those named in `except` (found by looking at the schema, so new families count too).
   */
  async projectHoldings(projectId: string, except: ReadonlySet<string>): Promise<Array<{ table: string; rows: number }>> {
    const tables = await this.db.introspection.getTables();
    const out: Array<{ table: string; rows: number }> = [];
    for (const t of tables) {
      if (except.has(t.name) || !t.columns.some((c) => c.name === 'project_id')) continue;
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(t.name)} where project_id = ${projectId}`.execute(this.db);
      const n = Number(rows[0]?.n ?? 0);
      if (n > 0) out.push({ table: t.name, rows: n });
    }
    return out;
  }
  projectsOfUser(userId: string): Promise<ProjectRow[]> {
    return this.db
      .selectFrom('projects')
      .innerJoin('project_members', 'project_members.project_id', 'projects.id')
      .selectAll('projects')
      .where('project_members.user_id', '=', userId)
      .orderBy('projects.name')
      .execute();
  }

  addMember(projectId: string, userId: string) {
    return this.db.insertInto('project_members').values({ project_id: projectId, user_id: userId }).execute();
  }
  removeMember(projectId: string, userId: string) {
    return this.db.deleteFrom('project_members').where('project_id', '=', projectId).where('user_id', '=', userId).executeTakeFirst();
  }
  async isMember(projectId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('project_members')
      .select('user_id')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row !== undefined;
  }
  usersOfProject(projectId: string): Promise<UserWithDomain[]> {
    return this.usersWithDomain()
      .innerJoin('project_members', 'project_members.user_id', 'users.id')
      .where('project_members.project_id', '=', projectId)
      .orderBy('users.name')
      .execute();
  }
  membersOf(projectId: string) {
    return this.db.selectFrom('project_members').select('user_id').where('project_id', '=', projectId).execute();
  }

  insertAccessKey(row: AccessKeyRow) {
    return this.db.insertInto('access_keys').values(row).execute();
  }
  /**
   * Inserts the key unless the user already holds `max`; answers how many they held. A no-op update
   * of the user's row first takes its lock, so two creates at once are counted one after the other.
   */
  insertAccessKeyUpTo(row: AccessKeyRow, max: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable('users').set({ id: row.user_id }).where('id', '=', row.user_id).execute();
      const held = await trx
        .selectFrom('access_keys')
        .select((e) => e.fn.countAll<number>().as('n'))
        .where('user_id', '=', row.user_id)
        .executeTakeFirst();
      const n = Number(held?.n ?? 0);
      if (n < max) await trx.insertInto('access_keys').values(row).execute();
      return n;
    });
  }
  accessKey(ak: string) {
    return this.db.selectFrom('access_keys').selectAll().where('ak', '=', ak).executeTakeFirst();
  }
  allAccessKeys() {
    return this.db
      .selectFrom('access_keys')
      .innerJoin('users', 'users.id', 'access_keys.user_id')
      .select(['access_keys.ak', 'access_keys.description', 'access_keys.created_at', 'users.name as user_name'])
      .orderBy('access_keys.created_at')
      .execute();
  }
  accessKeysOfUser(userId: string) {
    return this.db
      .selectFrom('access_keys')
      .select(['ak', 'user_id', 'description', 'created_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('ak')
      .execute();
  }
  accessKeysOfDomain(domainId: string) {
    return this.db
      .selectFrom('access_keys')
      .innerJoin('users', 'users.id', 'access_keys.user_id')
      .select(['access_keys.ak', 'access_keys.user_id', 'access_keys.description', 'access_keys.created_at'])
      .where('users.domain_id', '=', domainId)
      .orderBy('access_keys.created_at')
      .orderBy('access_keys.ak')
      .execute();
  }
  deleteAccessKey(ak: string) {
    return this.db.deleteFrom('access_keys').where('ak', '=', ak).executeTakeFirst();
  }

  insertToken(row: TokenRow) {
    return this.db.insertInto('tokens').values(row).execute();
  }
  token(hash: string) {
    return this.db.selectFrom('tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }
  deleteTokensOfUser(userId: string) {
    return this.db.deleteFrom('tokens').where('user_id', '=', userId).executeTakeFirst();
  }
  deleteTokensOfUserInProject(userId: string, projectId: string) {
    return this.db.deleteFrom('tokens').where('user_id', '=', userId).where('project_id', '=', projectId).executeTakeFirst();
  }
  setLastSignIn(userId: string, at: number) {
    return this.db.updateTable('users').set({ last_sign_in_at: at }).where('id', '=', userId).executeTakeFirst();
  }
  deleteExpiredTokens(now: number) {
    return this.db.deleteFrom('tokens').where('expires_at', '<', now).executeTakeFirst();
  }
}
