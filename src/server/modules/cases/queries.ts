import { sql } from 'kysely';
import type { UserCaller } from '../../../db/caller.ts';
import type { Tx } from '../../../db/database.ts';
import { AppError } from '../../errors.ts';
import { departmentOnly } from './access.ts';
import { CASE_COLUMNS, type CaseRow } from './store.ts';

export interface CaseFilters {
  states?: string[];
  category?: string;
  jurisdictionPath?: string;
  gridId?: string;
  departmentId?: string;
  channel?: string;
  light?: 'green' | 'yellow' | 'red';
  from?: Date;
  to?: Date;
  triage?: boolean;
  supervised?: boolean;
  overdue?: boolean;
  q?: string;
  now: Date;
}

/** The WHERE clause of the case list; the dashboard's counts use the same one, so the numbers agree. */
export function caseWhere(f: CaseFilters) {
  const parts = [sql`true`];
  if (f.states?.length) parts.push(sql`c.state = any(${f.states}::text[])`);
  if (f.category) parts.push(f.category.length === 5 ? sql`c.category_code = ${f.category}` : sql`c.category_code like ${`${f.category}%`}`);
  if (f.jurisdictionPath) parts.push(sql`c.path <@ ${f.jurisdictionPath}::ltree`);
  if (f.gridId) parts.push(sql`c.grid_id = ${f.gridId}::uuid`);
  if (f.departmentId) parts.push(sql`c.department_id = ${f.departmentId}::uuid`);
  if (f.channel) parts.push(sql`c.channel = ${f.channel}`);
  if (f.light === 'red') parts.push(sql`not c.parked and c.stage_deadline_at <= ${f.now}`);
  if (f.light === 'yellow') parts.push(sql`not c.parked and c.stage_yellow_at <= ${f.now} and c.stage_deadline_at > ${f.now}`);
  if (f.light === 'green') parts.push(sql`not c.parked and c.stage_yellow_at > ${f.now}`);
  if (f.from) parts.push(sql`c.reported_at >= ${f.from}`);
  if (f.to) parts.push(sql`c.reported_at < ${f.to}`);
  if (f.triage !== undefined) parts.push(sql`c.triage = ${f.triage}`);
  if (f.supervised !== undefined) parts.push(sql`c.supervised = ${f.supervised}`);
  if (f.overdue) parts.push(sql`exists (select 1 from case_clock k where k.case_id = c.id and k.overdue_at is not null)`);
  if (f.q) parts.push(sql`(c.number = ${f.q} or c.description ilike ${`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`})`);
  return sql.join(parts, sql` and `);
}

interface Cursor {
  t: string;
  id: string;
}

/** Newest first, keyset-paged by (reported_at, id); the total is exact for the same filters. */
export async function listCases(trx: Tx, f: CaseFilters, limit: number, cursor?: string) {
  let after: Cursor | null = null;
  if (cursor) {
    try {
      after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Cursor;
      if (typeof after.t !== 'string' || typeof after.id !== 'string' || Number.isNaN(Date.parse(after.t))) throw new Error();
    } catch {
      throw new AppError('VALIDATION_FAILED', { field: 'cursor', params: { detail: 'cursor is not valid' } });
    }
  }
  const where = caseWhere(f);
  const { rows } = await sql<CaseRow>`select ${CASE_COLUMNS} from cases c where ${where}
    ${after ? sql`and (c.reported_at, c.id) < (${new Date(after.t)}, ${after.id}::uuid)` : sql``}
    order by c.reported_at desc, c.id desc limit ${limit + 1}`.execute(trx);
  const { rows: count } = await sql<{ n: number }>`select count(*)::int as n from cases c where ${where}`.execute(trx);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const next = rows.length > limit && last ? Buffer.from(JSON.stringify({ t: last.reportedAt.toISOString(), id: last.id })).toString('base64url') : null;
  return { items, total: count[0]?.n ?? 0, next };
}

export interface Queue {
  name: string;
  total: number;
  items: CaseRow[];
}

const OPEN = ['reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified'];

/** Each role's queues within scope, red before yellow before green (the running clock's deadline first). */
export async function inbox(trx: Tx, caller: UserCaller, now: Date, opts: { queue?: string; limit?: number } = {}): Promise<Queue[]> {
  const roles = new Set(caller.assignments.map((a) => a.role));
  const gridIds = caller.assignments.filter((a) => a.role === 'grid_worker').map((a) => a.jurisdictionId);
  const dept = departmentOnly(caller) ?? caller.departmentId;
  const defs: Array<{ name: string; where: ReturnType<typeof sql> }> = [];
  if (roles.has('intake_clerk')) {
    defs.push({ name: 'to_accept', where: sql`c.state = 'reported'` });
    defs.push({ name: 'callbacks', where: sql`c.state = 'closed' and c.callback_pending` });
  }
  if (roles.has('grid_worker') && gridIds.length) {
    defs.push({ name: 'to_confirm', where: sql`c.state = 'accepted' and c.grid_id = any(${gridIds}::uuid[])` });
    defs.push({ name: 'to_verify', where: sql`c.state = 'handled' and c.grid_id = any(${gridIds}::uuid[])` });
  }
  if (roles.has('shift_lead')) {
    defs.push({ name: 'to_register', where: sql`c.state = 'confirmed'` });
    defs.push({ name: 'approvals', where: sql`(c.park_requested or c.extension_requested)` });
    defs.push({ name: 'to_close', where: sql`c.state = 'verified'` });
  }
  if (roles.has('dispatcher')) {
    defs.push({ name: 'to_dispatch', where: sql`c.state = 'registered' and not c.triage` });
    defs.push({ name: 'triage', where: sql`c.triage and c.state = any(${OPEN}::text[])` });
    defs.push({
      name: 'returned',
      where: sql`c.state = 'registered' and exists (select 1 from case_event e where e.case_id = c.id and e.action = 'return'
        and e.at > coalesce((select max(at) from case_event e2 where e2.case_id = c.id and e2.action in ('dispatch', 'reassign')), '-infinity'))`,
    });
  }
  if (roles.has('department_staff') && dept) {
    defs.push({ name: 'to_start', where: sql`c.state = 'dispatched' and c.department_id = ${dept}::uuid` });
    defs.push({ name: 'to_handle', where: sql`c.state = 'handling' and c.department_id = ${dept}::uuid` });
  }
  if (roles.has('leader')) {
    defs.push({ name: 'supervised', where: sql`c.supervised and c.state = any(${OPEN}::text[])` });
    defs.push({ name: 'overdue', where: sql`c.state = any(${OPEN}::text[]) and not c.parked and c.stage_deadline_at <= ${now}` });
    defs.push({ name: 'escalated', where: sql`c.escalation_level > 0 and c.state = any(${OPEN}::text[])` });
  }
  const out: Queue[] = [];
  for (const d of defs.filter((x) => !opts.queue || x.name === opts.queue)) {
    const { rows } = await sql<CaseRow>`select ${CASE_COLUMNS} from cases c where ${d.where}
      order by c.stage_deadline_at asc nulls last, c.reported_at limit ${opts.limit ?? 50}`.execute(trx);
    const { rows: n } = await sql<{ n: number }>`select count(*)::int as n from cases c where ${d.where}`.execute(trx);
    out.push({ name: d.name, total: n[0]?.n ?? 0, items: rows });
  }
  return out;
}
