import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import type { Assignment, Role } from '../../../db/caller.ts';

export interface UserRow {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  departmentId: string | null;
  disabled: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
}

export async function findUserByUsername(trx: Tx, username: string): Promise<UserRow | null> {
  const { rows } = await sql<UserRow>`select id, username, display_name as "displayName", password_hash as "passwordHash",
      department_id as "departmentId", disabled, failed_logins as "failedLogins", locked_until as "lockedUntil"
    from app_user where lower(username) = lower(${username})`.execute(trx);
  return rows[0] ?? null;
}

export async function findUserById(trx: Tx, id: string): Promise<UserRow | null> {
  const { rows } = await sql<UserRow>`select id, username, display_name as "displayName", password_hash as "passwordHash",
      department_id as "departmentId", disabled, failed_logins as "failedLogins", locked_until as "lockedUntil"
    from app_user where id = ${id}`.execute(trx);
  return rows[0] ?? null;
}

export interface AssignmentRow extends Assignment {
  jurisdictionCode: string;
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
}

export async function assignmentsOf(trx: Tx, userId: string): Promise<AssignmentRow[]> {
  const { rows } = await sql<AssignmentRow>`select a.role, a.jurisdiction_id as "jurisdictionId",
      j.path::text as "jurisdictionPath", j.code as "jurisdictionCode", j.name_zh_hant as "nameZhHant",
      j.name_zh_hans as "nameZhHans", j.name_en as "nameEn"
    from assignment a join jurisdiction j on j.id = a.jurisdiction_id
    where a.user_id = ${userId} order by j.path, a.role`.execute(trx);
  return rows;
}

export async function recordLoginFailure(trx: Tx, userId: string, lockAfter: number, lockMinutes: number) {
  const { rows } = await sql<{ lockedUntil: Date | null }>`update app_user set
      failed_logins = case when failed_logins + 1 >= ${lockAfter} then 0 else failed_logins + 1 end,
      locked_until = case when failed_logins + 1 >= ${lockAfter}
        then now() + make_interval(mins => ${lockMinutes}) else locked_until end
    where id = ${userId} returning locked_until as "lockedUntil"`.execute(trx);
  return rows[0]?.lockedUntil ?? null;
}

export async function recordLoginSuccess(trx: Tx, userId: string): Promise<void> {
  await sql`update app_user set failed_logins = 0, locked_until = null where id = ${userId}`.execute(trx);
}

export async function insertSession(
  trx: Tx,
  s: { idHash: string; userId: string; csrfToken: string; ip: string | null; ttlHours: number },
): Promise<void> {
  await sql`insert into user_session (id_hash, user_id, csrf_token, ip, expires_at)
    values (${s.idHash}, ${s.userId}, ${s.csrfToken}, ${s.ip}, now() + make_interval(hours => ${s.ttlHours}))`.execute(trx);
}

export async function findSession(trx: Tx, idHash: string) {
  const { rows } = await sql<{ userId: string; csrfToken: string }>`select s.user_id as "userId", s.csrf_token as "csrfToken"
    from user_session s join app_user u on u.id = s.user_id
    where s.id_hash = ${idHash} and s.expires_at > now() and not u.disabled`.execute(trx);
  return rows[0] ?? null;
}

export async function deleteSession(trx: Tx, idHash: string): Promise<void> {
  await sql`delete from user_session where id_hash = ${idHash}`.execute(trx);
}

export async function insertUser(
  trx: Tx,
  u: { id: string; username: string; displayName: string; passwordHash: string; departmentId: string | null },
): Promise<void> {
  await sql`insert into app_user (id, username, display_name, password_hash, department_id)
    values (${u.id}, ${u.username}, ${u.displayName}, ${u.passwordHash}, ${u.departmentId})`.execute(trx);
}

export async function insertAssignment(trx: Tx, a: { id: string; userId: string; role: Role; jurisdictionId: string }) {
  await sql`insert into assignment (id, user_id, role, jurisdiction_id)
    values (${a.id}, ${a.userId}, ${a.role}, ${a.jurisdictionId}) on conflict do nothing`.execute(trx);
}

export interface TokenRow {
  id: string;
  userId: string;
  scopes: string[];
}

export async function findToken(trx: Tx, tokenHash: string): Promise<TokenRow | null> {
  const { rows } = await sql<TokenRow>`update api_token t set last_used_at = now()
    from app_user u
    where t.token_hash = ${tokenHash} and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
      and u.id = t.user_id and not u.disabled
    returning t.id, t.user_id as "userId", t.scopes`.execute(trx);
  return rows[0] ?? null;
}

export async function insertToken(
  trx: Tx,
  t: { id: string; userId: string; name: string; tokenHash: string; prefix: string; scopes: string[] },
): Promise<void> {
  await sql`insert into api_token (id, user_id, name, token_hash, prefix, scopes)
    values (${t.id}, ${t.userId}, ${t.name}, ${t.tokenHash}, ${t.prefix}, ${t.scopes}::text[])`.execute(trx);
}

export async function tokenOwner(trx: Tx, id: string): Promise<string | null> {
  const { rows } = await sql<{ userId: string }>`select user_id as "userId" from api_token where id = ${id}`.execute(trx);
  return rows[0]?.userId ?? null;
}

export async function assignmentPaths(trx: Tx, userId: string): Promise<string[]> {
  const { rows } = await sql<{ path: string }>`select j.path::text as path from assignment a join jurisdiction j on j.id = a.jurisdiction_id
    where a.user_id = ${userId}`.execute(trx);
  return rows.map((r) => r.path);
}

export async function revokeToken(trx: Tx, id: string, userId: string | null): Promise<boolean> {
  const { rows } = await sql<{ id: string }>`update api_token set revoked_at = now()
    where id = ${id} and revoked_at is null and (${userId}::uuid is null or user_id = ${userId}::uuid)
    returning id`.execute(trx);
  return rows.length > 0;
}

export interface TokenListRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function listTokens(trx: Tx, userId: string): Promise<TokenListRow[]> {
  const { rows } = await sql<TokenListRow>`select id, name, prefix, scopes, created_at as "createdAt",
      last_used_at as "lastUsedAt", revoked_at as "revokedAt"
    from api_token where user_id = ${userId} order by created_at desc`.execute(trx);
  return rows;
}
