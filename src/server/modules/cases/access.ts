import type { Caller, Role, UserCaller } from '../../../db/caller.ts';
import type { Actor } from '../../../domain/workflow.ts';
import type { CaseRow } from './store.ts';

/** The roles of a user's assignments whose subtree holds the case. */
export function rolesOver(caller: UserCaller, casePath: string): Role[] {
  return caller.assignments
    .filter((a) => casePath === a.jurisdictionPath || casePath.startsWith(`${a.jurisdictionPath}.`))
    .map((a) => a.role);
}

/**
 * The workflow's view of the caller on one case. Department staff act only on cases dispatched to their department,
 * grid workers only on cases of their grid: the workflow table checks those flags.
 */
export function actorFor(caller: Caller, row: CaseRow, onCase: boolean): Actor {
  if (caller.kind === 'system') return { kind: 'system' };
  if (caller.kind === 'public') return { kind: 'reporter', trackingCodeValid: false };
  const roles = rolesOver(caller, row.path);
  return {
    kind: 'staff',
    roles,
    inScope: roles.length > 0,
    isCaseGrid: caller.assignments.some((a) => a.role === 'grid_worker' && a.jurisdictionId === row.gridId),
    isCaseDepartment: caller.departmentId !== null && caller.departmentId === row.departmentId,
    onCase,
  };
}

/** Department staff with no other role see only the cases dispatched to their department. */
export function departmentOnly(caller: UserCaller): string | null {
  const others = caller.assignments.some((a) => a.role !== 'department_staff');
  return !others && caller.departmentId ? caller.departmentId : null;
}
