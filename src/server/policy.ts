import type { Caller, Role, UserCaller } from '../db/caller.ts';
import { AppError } from './errors.ts';

/**
 * Who may do what, read in one place. Scope (which rows) is the database's job through row-level security; this
 * table says which roles may attempt an action at all, and which token capability it needs.
 */
const ALL_STAFF: Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker', 'department_staff'];

export const POLICY = {
  'territory.read': { roles: ALL_STAFF, capability: 'read' },
  'territory.import': { roles: ['admin'], capability: 'territory:write' },
  'users.create': { roles: ['admin'], capability: 'users:write' },
  'tokens.manage': { roles: ALL_STAFF, capability: 'users:write' },
  'cases.read': { roles: ALL_STAFF, capability: 'read' },
  'cases.act': { roles: ALL_STAFF, capability: 'cases:write' },
  'cases.reveal': { roles: ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk'], capability: 'cases:write' },
  // Basic data: department staff work on cases, not on residents. Everyone reads masked; revealing an ID number or
  // phone in clear is for those who answer for the data of an area (and is audited each time).
  'registry.read': { roles: ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker'], capability: 'read' },
  'registry.import': { roles: ['admin', 'leader', 'shift_lead', 'grid_worker'], capability: 'territory:write' },
  'registry.export': { roles: ['admin', 'leader', 'shift_lead', 'grid_worker'], capability: 'read' },
  'registry.reveal': { roles: ['admin', 'leader', 'shift_lead'], capability: 'admin:write' },
  // Organisations (partner units, property companies…) are reference data that administrators keep.
  'registry.organisations': { roles: ['admin'], capability: 'admin:write' },
  'categories.manage': { roles: ['admin'], capability: 'admin:write' },
  // The command center's figures and maps (counts, rates, open cases as points; no personal data). Not grid workers
  // (one grid, its queues) nor department staff (their case list is their department's, which node totals are not).
  'command.read': { roles: ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk'], capability: 'read' },
} as const satisfies Record<string, { roles: Role[]; capability: string }>;

export type Action = keyof typeof POLICY;

export function requireUser(caller: Caller): UserCaller {
  if (caller.kind !== 'user') throw new AppError('UNAUTHENTICATED');
  return caller;
}

export function can(caller: Caller, action: Action): boolean {
  if (caller.kind !== 'user') return false;
  const rule = POLICY[action];
  if (!caller.assignments.some((a) => (rule.roles as readonly Role[]).includes(a.role))) return false;
  return caller.capabilities === null || caller.capabilities.includes(rule.capability);
}

export function authorize(caller: Caller, action: Action): UserCaller {
  const user = requireUser(caller);
  const rule = POLICY[action];
  if (!user.assignments.some((a) => (rule.roles as readonly Role[]).includes(a.role))) throw new AppError('FORBIDDEN');
  if (user.capabilities !== null && !user.capabilities.includes(rule.capability)) {
    throw new AppError('TOKEN_SCOPE_MISSING', { params: { scope: rule.capability } });
  }
  return user;
}
