/** Who a database transaction runs for. Scope is enforced by row-level security from these settings. */
export type Role =
  | 'admin'
  | 'leader'
  | 'shift_lead'
  | 'dispatcher'
  | 'intake_clerk'
  | 'grid_worker'
  | 'department_staff';

export const ROLES: readonly Role[] = [
  'admin',
  'leader',
  'shift_lead',
  'dispatcher',
  'intake_clerk',
  'grid_worker',
  'department_staff',
];

export interface Assignment {
  role: Role;
  jurisdictionId: string;
  jurisdictionPath: string;
}

export interface UserCaller {
  kind: 'user';
  userId: string;
  username: string;
  assignments: Assignment[];
  departmentId: string | null;
  /** Set when the caller authenticated with an API token rather than a session. */
  tokenId: string | null;
  /** Capability scopes of the token; null for a session (all that the roles allow). */
  capabilities: string[] | null;
}

export interface PublicCaller {
  kind: 'public';
}

export interface SystemCaller {
  kind: 'system';
  job: string;
}

export type Caller = UserCaller | PublicCaller | SystemCaller;

export const PUBLIC: PublicCaller = { kind: 'public' };

export function systemCaller(job: string): SystemCaller {
  return { kind: 'system', job };
}

/** The actor string written to the audit log: ids only, never names. */
export function actorOf(caller: Caller): string {
  switch (caller.kind) {
    case 'user':
      return caller.tokenId ? `token:${caller.tokenId}` : `user:${caller.userId}`;
    case 'public':
      return 'public';
    case 'system':
      return `system:${caller.job}`;
  }
}

/** The ltree paths a user may see: the subtrees of their assignments, with nested ones folded away. */
export function scopePaths(caller: UserCaller): string[] {
  const paths = [...new Set(caller.assignments.map((a) => a.jurisdictionPath))].sort();
  return paths.filter((p) => !paths.some((q) => q !== p && p.startsWith(`${q}.`)));
}

export function hasRole(caller: Caller, ...roles: Role[]): boolean {
  return caller.kind === 'user' && caller.assignments.some((a) => roles.includes(a.role));
}
