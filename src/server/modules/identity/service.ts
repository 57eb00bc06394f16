import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Caller, ROLES, type Role, systemCaller, type UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { newId, randomSecret } from '../../../domain/ids.ts';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from '../../../domain/passwords.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/service.ts';
import * as store from './store.ts';

export const LOCK_AFTER_FAILURES = 5;
export const LOCK_MINUTES = 15;
export const SESSION_HOURS = 12;

/** Capability scopes an API token may carry. A session has every capability its roles allow. */
export const TOKEN_SCOPES = ['read', 'reports:write', 'cases:write', 'open311', 'territory:write', 'users:write', 'admin:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function callerFor(trx: Tx, user: store.UserRow, tokenId: string | null, caps: string[] | null) {
  const assignments = await store.assignmentsOf(trx, user.id);
  const caller: UserCaller = {
    kind: 'user',
    userId: user.id,
    username: user.username,
    assignments,
    departmentId: user.departmentId,
    tokenId,
    capabilities: caps,
  };
  return { caller, assignments, user };
}

export interface LoginResult {
  sessionId: string;
  csrfToken: string;
  caller: UserCaller;
  assignments: store.AssignmentRow[];
  user: store.UserRow;
}

export class IdentityService {
  constructor(private readonly db: Database) {}

  async login(username: string, password: string, ip: string | null): Promise<LoginResult> {
    return this.db.run(systemCaller('auth'), async (trx) => {
      const user = await store.findUserByUsername(trx, username);
      if (!user) {
        await verifyPassword(password, DUMMY_HASH);
        await recordAudit(trx, { action: 'auth.login_failed', ip });
        throw new AppError('INVALID_CREDENTIALS');
      }
      if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
        throw new AppError('ACCOUNT_LOCKED', { params: { until: user.lockedUntil.toISOString() } });
      }
      const ok = await verifyPassword(password, user.passwordHash);
      if (!ok) {
        const lockedUntil = await store.recordLoginFailure(trx, user.id, LOCK_AFTER_FAILURES, LOCK_MINUTES);
        await recordAudit(trx, { action: 'auth.login_failed', objectType: 'user', objectId: user.id, ip });
        if (lockedUntil && lockedUntil.getTime() > Date.now()) {
          await recordAudit(trx, { action: 'auth.locked', objectType: 'user', objectId: user.id, ip });
        }
        return { failed: true as const };
      }
      if (user.disabled) throw new AppError('ACCOUNT_DISABLED');
      await store.recordLoginSuccess(trx, user.id);
      const sessionId = randomSecret(32);
      const csrfToken = randomSecret(24);
      await store.insertSession(trx, { idHash: sha256(sessionId), userId: user.id, csrfToken, ip, ttlHours: SESSION_HOURS });
      await recordAudit(trx, { action: 'auth.login', objectType: 'user', objectId: user.id, ip });
      const { caller, assignments } = await callerFor(trx, user, null, null);
      return { failed: false as const, sessionId, csrfToken, caller, assignments, user };
    }).then((r) => {
      // The failure count must be committed, so the refusal is thrown after the transaction.
      if (r.failed) throw new AppError('INVALID_CREDENTIALS');
      return r;
    });
  }

  async logout(sessionId: string, ip: string | null): Promise<void> {
    await this.db.run(systemCaller('auth'), async (trx) => {
      await store.deleteSession(trx, sha256(sessionId));
      await recordAudit(trx, { action: 'auth.logout', ip });
    });
  }

  async resolveSession(sessionId: string): Promise<{ caller: UserCaller; csrfToken: string } | null> {
    return this.db.run(systemCaller('auth'), async (trx) => {
      const s = await store.findSession(trx, sha256(sessionId));
      if (!s) return null;
      const user = await store.findUserById(trx, s.userId);
      if (!user) return null;
      const { caller } = await callerFor(trx, user, null, null);
      return { caller, csrfToken: s.csrfToken };
    });
  }

  async resolveToken(token: string): Promise<UserCaller | null> {
    if (!/^gl_[A-Za-z0-9_-]{32,}$/.test(token)) return null;
    return this.db.run(systemCaller('auth'), async (trx) => {
      const t = await store.findToken(trx, sha256(token));
      if (!t) return null;
      const user = await store.findUserById(trx, t.userId);
      if (!user) return null;
      return (await callerFor(trx, user, t.id, t.scopes)).caller;
    });
  }

  async me(caller: UserCaller) {
    return this.db.run(caller, async (trx) => {
      const user = await store.findUserById(trx, caller.userId);
      if (!user) throw new AppError('UNAUTHENTICATED');
      return { user, assignments: await store.assignmentsOf(trx, caller.userId) };
    });
  }

  /**
   * Creates a user with one assignment. `by` is the acting admin (scope-checked: the jurisdiction must be inside
   * the admin's subtree) or a system job (CLI, seed).
   */
  async createUser(
    by: Caller,
    input: {
      username: string;
      password: string;
      displayName?: string;
      role: Role;
      jurisdictionCode: string;
      departmentCode?: string | null;
    },
  ): Promise<{ id: string }> {
    if (!/^[A-Za-z0-9_.-]{2,64}$/.test(input.username)) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'username',
        params: { detail: 'username: 2-64 letters, digits, dots, dashes or underscores' },
      });
    }
    const problem = passwordProblem(input.password);
    if (problem) throw new AppError('VALIDATION_FAILED', { field: 'password', params: { detail: `password ${problem}` } });
    if (!ROLES.includes(input.role)) {
      throw new AppError('VALIDATION_FAILED', { field: 'role', params: { detail: `role must be one of ${ROLES.join(', ')}` } });
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.run(by, async (trx) => {
      const { rows: j } = await sql<{ id: string; path: string }>`select id, path::text as path from jurisdiction
        where code = ${input.jurisdictionCode} and valid_to is null and (gridloop_scope_all() or path <@ gridloop_scope())`.execute(
        trx,
      );
      const node = j[0];
      if (!node) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdiction' });
      let departmentId: string | null = null;
      if (input.departmentCode) {
        const { rows: d } = await sql<{ id: string }>`select id from department where code = ${input.departmentCode}`.execute(trx);
        if (!d[0]) throw new AppError('NOT_FOUND', { field: 'department' });
        departmentId = d[0].id;
      } else if (input.role === 'department_staff') {
        throw new AppError('VALIDATION_FAILED', {
          field: 'department',
          params: { detail: 'department staff must be bound to a department' },
        });
      }
      if (await store.findUserByUsername(trx, input.username)) {
        throw new AppError('USERNAME_TAKEN', { field: 'username', params: { username: input.username } });
      }
      const id = newId();
      await store.insertUser(trx, {
        id,
        username: input.username,
        displayName: input.displayName ?? input.username,
        passwordHash,
        departmentId,
      });
      await store.insertAssignment(trx, { id: newId(), userId: id, role: input.role, jurisdictionId: node.id });
      await recordAudit(trx, {
        action: 'user.create',
        objectType: 'user',
        objectId: id,
        jurisdictionId: node.id,
        jurisdictionPath: node.path,
        details: { role: input.role },
      });
      return { id };
    });
  }

  /** Creates an API token; the secret is returned once and only its hash is stored. */
  async createToken(
    by: Caller,
    input: { username: string; name: string; scopes: string[] },
  ): Promise<{ id: string; token: string; scopes: string[] }> {
    const bad = input.scopes.find((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
    if (bad || input.scopes.length === 0) {
      throw new AppError('VALIDATION_FAILED', {
        field: 'scopes',
        params: { detail: `scopes must be some of ${TOKEN_SCOPES.join(', ')}` },
      });
    }
    if (by.kind === 'user') {
      const target = await this.db.run(systemCaller('identity'), (trx) => store.findUserByUsername(trx, input.username));
      if (target && by.userId !== target.id && !(await this.administers(by, target.id))) {
        throw new AppError('USER_NOT_FOUND', { field: 'username' });
      }
    }
    return this.db.run(by, async (trx) => {
      const user = await store.findUserByUsername(trx, input.username);
      if (!user) throw new AppError('USER_NOT_FOUND', { field: 'username' });
      const token = `gl_${randomSecret(32)}`;
      const id = newId();
      await store.insertToken(trx, {
        id,
        userId: user.id,
        name: input.name,
        tokenHash: sha256(token),
        prefix: token.slice(0, 8),
        scopes: input.scopes,
      });
      await recordAudit(trx, { action: 'token.create', objectType: 'api_token', objectId: id, details: { user: user.id } });
      return { id, token, scopes: input.scopes };
    });
  }

  async revokeToken(by: UserCaller, id: string): Promise<void> {
    // Anyone may revoke their own tokens; an admin also those of the users they administer.
    const owner = by.assignments.some((a) => a.role === 'admin')
      ? await this.db.run(systemCaller('identity'), (trx) => store.tokenOwner(trx, id))
      : null;
    const anyOwner = owner !== null && owner !== by.userId && (await this.administers(by, owner));
    await this.db.run(by, async (trx) => {
      const ok = await store.revokeToken(trx, id, anyOwner ? null : by.userId);
      if (!ok) throw new AppError('NOT_FOUND', { field: 'id' });
      await recordAudit(trx, { action: 'token.revoke', objectType: 'api_token', objectId: id });
    });
  }

  listTokens(by: UserCaller) {
    return this.db.run(by, (trx) => store.listTokens(trx, by.userId));
  }

  /**
   * An admin administers a user when every assignment of that user lies inside one of the admin's own. Read as the
   * system: under the admin's row-level security the assignments outside their scope are invisible, and would pass.
   */
  private async administers(by: UserCaller, userId: string): Promise<boolean> {
    const roots = by.assignments.filter((a) => a.role === 'admin').map((a) => a.jurisdictionPath);
    if (roots.length === 0) return false;
    const paths = await this.db.run(systemCaller('identity'), (trx) => store.assignmentPaths(trx, userId));
    return paths.length > 0 && paths.every((p) => roots.some((r) => p === r || p.startsWith(`${r}.`)));
  }
}
