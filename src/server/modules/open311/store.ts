import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';
import { isUuid } from '../../../domain/ids.ts';
import type { Names } from '../../i18n.ts';

/**
 * Every query here runs as the public caller and reads only the public_* views, so that a mistake in this module
 * cannot reach reporter contact data or staff names: the database would refuse it.
 */

/** The states Open311 calls `closed`: the case is over, one way or another. */
export const CLOSED_STATES = ['closed', 'rejected', 'voided', 'merged', 'transferred'] as const;

export interface RequestRow {
  id: string;
  number: string;
  categoryCode: string;
  state: string;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  deadlineAt: Date | null;
  reportedAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  primaryNumber: string | null;
  agency: Names | null;
  photoId: string | null;
}

export interface RequestQuery {
  /** Case numbers; when given, the other filters are ignored, as GeoReport v2 says. */
  numbers?: string[];
  serviceCodes?: string[];
  start?: Date;
  end?: Date;
  status?: 'open' | 'closed';
  /** Only cases inside this jurisdiction's subtree. */
  jurisdictionPath?: string;
  limit: number;
  offset: number;
}

interface RawRequestRow extends Omit<RequestRow, 'agency'> {
  agencyZhHant: string | null;
  agencyZhHans: string | null;
  agencyEn: string | null;
}

function whereOf(q: RequestQuery) {
  if (q.numbers) return sql`c.number = any(${q.numbers}::text[])`;
  const parts = [sql`true`];
  if (q.serviceCodes?.length) parts.push(sql`c.category_code = any(${q.serviceCodes}::text[])`);
  if (q.start) parts.push(sql`c.reported_at >= ${q.start}`);
  if (q.end) parts.push(sql`c.reported_at <= ${q.end}`);
  if (q.status === 'closed') parts.push(sql`c.state = any(${[...CLOSED_STATES]}::text[])`);
  if (q.status === 'open') parts.push(sql`not (c.state = any(${[...CLOSED_STATES]}::text[]))`);
  if (q.jurisdictionPath) {
    // public_case carries the district and the grid, not the path: a case is inside when its district is (a city or
    // district asked for) or its grid is (a street, community or grid asked for).
    parts.push(sql`(c.district_id in (select j.id from public_jurisdiction j where j.level = 'district' and j.path <@ ${q.jurisdictionPath}::ltree)
      or c.grid_id in (select j.id from public_jurisdiction j where j.path <@ ${q.jurisdictionPath}::ltree))`);
  }
  return sql.join(parts, sql` and `);
}

/** Newest first; offset paging, since GeoReport clients count pages. */
export async function findRequests(trx: Tx, q: RequestQuery): Promise<RequestRow[]> {
  const { rows } = await sql<RawRequestRow>`select c.id, c.number, c.category_code as "categoryCode", c.state, c.description,
      c.address, c.lat, c.lng, c.deadline_at as "deadlineAt", c.reported_at as "reportedAt", c.updated_at as "updatedAt",
      c.closed_at as "closedAt",
      (select p.number from public_case p where p.id = c.primary_case_id) as "primaryNumber",
      d.name_zh_hant as "agencyZhHant", d.name_zh_hans as "agencyZhHans", d.name_en as "agencyEn",
      (select a.id from public_case_attachment a where a.case_id = c.id and a.kind = 'report'
        order by a.created_at, a.id limit 1) as "photoId"
    from public_case c left join public_department d on d.id = c.department_id
    where ${whereOf(q)}
    order by c.reported_at desc, c.id desc
    limit ${q.limit} offset ${q.offset}`.execute(trx);
  return rows.map(({ agencyZhHant, agencyZhHans, agencyEn, ...r }) => ({
    ...r,
    agency: agencyZhHant !== null && agencyZhHans !== null && agencyEn !== null ? { 'zh-Hant': agencyZhHant, 'zh-Hans': agencyZhHans, en: agencyEn } : null,
  }));
}

export interface NoteRow {
  caseId: string;
  at: Date;
  action: string;
  fromState: string | null;
  toState: string | null;
}

/** The public timeline of some cases, oldest first. */
export async function notesOf(trx: Tx, caseIds: string[]): Promise<NoteRow[]> {
  if (caseIds.length === 0) return [];
  const { rows } = await sql<NoteRow>`select e.case_id as "caseId", e.at, e.action, e.from_state as "fromState", e.to_state as "toState"
    from public_case_event e where e.case_id = any(${caseIds}::uuid[]) order by e.at, e.id`.execute(trx);
  return rows;
}

/** The case number a tracking code belongs to (by its hash: public_case never holds the code itself). */
export async function numberByTrackingHash(trx: Tx, hash: string): Promise<string | null> {
  const { rows } = await sql<{ number: string }>`select number from public_case where tracking_hash = ${hash}`.execute(trx);
  return rows[0]?.number ?? null;
}

/** A current jurisdiction by its code or its id. */
export async function findJurisdiction(trx: Tx, codeOrId: string): Promise<{ id: string; path: string } | null> {
  const { rows } = await sql<{ id: string; path: string }>`select id, path::text as path from public_jurisdiction
    where ${isUuid(codeOrId) ? sql`id = ${codeOrId}::uuid` : sql`code = ${codeOrId}`} limit 1`.execute(trx);
  return rows[0] ?? null;
}

/** Where the public copy of a reporter's photo is stored; staff photos are not published through Open311. */
export async function reportPhoto(trx: Tx, id: string): Promise<{ key: string; contentType: string } | null> {
  const { rows } = await sql<{ key: string; contentType: string }>`select public_storage_key as key, content_type as "contentType"
    from public_case_attachment where id = ${id}::uuid and kind = 'report'`.execute(trx);
  return rows[0] ?? null;
}
