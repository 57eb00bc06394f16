import { sql } from 'kysely';
import type { Tx } from '../../../db/database.ts';

export interface CaseRow {
  id: string;
  districtId: string;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  path: string;
  number: string;
  channel: string;
  categoryCode: string;
  priority: 'urgent' | 'high' | 'normal';
  state: string;
  triage: boolean;
  parked: boolean;
  parkRequested: boolean;
  parkReviewDate: string | null;
  extensionRequested: boolean;
  requestedDeadline: Date | null;
  extended: boolean;
  escalationLevel: number;
  supervised: boolean;
  superviseDue: string | null;
  reworkCount: number;
  departmentId: string | null;
  suggestedDepartmentId: string | null;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  attributes: Record<string, unknown> | null;
  reporterNameEnc: string | null;
  reporterPhoneEnc: string | null;
  reporterEmailEnc: string | null;
  anonymous: boolean;
  clientKey: string | null;
  primaryCaseId: string | null;
  linkedCaseId: string | null;
  supporters: number;
  deadlineAt: Date | null;
  stage: string | null;
  stageYellowAt: Date | null;
  stageDeadlineAt: Date | null;
  rating: number | null;
  fixed: boolean | null;
  ratedAt: Date | null;
  callbackPending: boolean;
  callbackAnswer: string | null;
  reportedAt: Date;
  closedAt: Date | null;
  updatedAt: Date;
  version: number;
}

export const CASE_COLUMNS = sql`c.id, c.district_id as "districtId", c.street_id as "streetId", c.community_id as "communityId",
  c.grid_id as "gridId", c.path::text as path, c.number, c.channel, c.category_code as "categoryCode", c.priority, c.state,
  c.triage, c.parked, c.park_requested as "parkRequested", c.park_review_date::text as "parkReviewDate",
  c.extension_requested as "extensionRequested", c.requested_deadline as "requestedDeadline", c.extended,
  c.escalation_level as "escalationLevel", c.supervised, c.supervise_due::text as "superviseDue",
  c.rework_count as "reworkCount", c.department_id as "departmentId", c.suggested_department_id as "suggestedDepartmentId", c.description, c.address, c.lat, c.lng, c.attributes,
  c.reporter_name_enc as "reporterNameEnc", c.reporter_phone_enc as "reporterPhoneEnc",
  c.reporter_email_enc as "reporterEmailEnc", c.anonymous, c.client_key as "clientKey",
  c.primary_case_id as "primaryCaseId", c.linked_case_id as "linkedCaseId", c.supporters, c.deadline_at as "deadlineAt",
  c.stage, c.stage_yellow_at as "stageYellowAt", c.stage_deadline_at as "stageDeadlineAt", c.rating, c.fixed,
  c.rated_at as "ratedAt", c.callback_pending as "callbackPending", c.callback_answer as "callbackAnswer",
  c.reported_at as "reportedAt", c.closed_at as "closedAt", c.updated_at as "updatedAt", c.version`;

export async function getCase(trx: Tx, id: string, forUpdate = false): Promise<CaseRow | null> {
  const { rows } = await sql<CaseRow>`select ${CASE_COLUMNS} from cases c where c.id = ${id}
    ${forUpdate ? sql`for update` : sql``}`.execute(trx);
  return rows[0] ?? null;
}

export async function getCaseByTracking(trx: Tx, hash: string): Promise<CaseRow | null> {
  const { rows } = await sql<CaseRow>`select ${CASE_COLUMNS} from cases c where c.tracking_hash = ${hash}`.execute(trx);
  return rows[0] ?? null;
}

export interface NewCase {
  id: string;
  districtId: string;
  streetId: string | null;
  communityId: string | null;
  gridId: string | null;
  path: string;
  /** `110101-2026-`: the case number is this and the next serial, at least six digits, drawn by the insert. */
  numberPrefix: string;
  trackingHash: string;
  channel: string;
  categoryCode: string;
  priority: string;
  state: string;
  triage: boolean;
  suggestedDepartmentId: string | null;
  description: string;
  address: string | null;
  lat: number;
  lng: number;
  attributes: Record<string, unknown> | null;
  reporterNameEnc: string | null;
  reporterPhoneEnc: string | null;
  reporterEmailEnc: string | null;
  reporterPhoneIndex: string | null;
  anonymous: boolean;
  clientKey: string | null;
  linkedCaseId: string | null;
  reportedAt: Date;
}

/** Inserts a new case and returns its number. */
export async function insertCase(trx: Tx, c: NewCase): Promise<string> {
  const { rows } = await sql<{ number: string }>`insert into cases (id, district_id, street_id, community_id, grid_id, path, number, tracking_hash, channel,
      category_code, priority, state, triage, suggested_department_id, description, address, lat, lng, geom, attributes,
      reporter_name_enc, reporter_phone_enc, reporter_email_enc, reporter_phone_index, anonymous, client_key,
      linked_case_id, reported_at, accepted_at)
    values (${c.id}, ${c.districtId}, ${c.streetId}, ${c.communityId}, ${c.gridId}, ${c.path}::ltree, ${caseNumber(c.numberPrefix)},
      ${c.trackingHash}, ${c.channel}, ${c.categoryCode}, ${c.priority}, ${c.state}, ${c.triage}, ${c.suggestedDepartmentId},
      ${c.description}, ${c.address}, ${c.lat}, ${c.lng}, st_setsrid(st_makepoint(${c.lng}, ${c.lat}), 4326),
      ${c.attributes ? JSON.stringify(c.attributes) : null}::jsonb, ${c.reporterNameEnc}, ${c.reporterPhoneEnc},
      ${c.reporterEmailEnc}, ${c.reporterPhoneIndex}, ${c.anonymous}, ${c.clientKey}, ${c.linkedCaseId}, ${c.reportedAt},
      ${c.state === 'reported' ? null : c.reportedAt})
    returning number`.execute(trx);
  return rows[0]!.number;
}

/** The next case number after a prefix, as an SQL expression: the prefix and the serial padded to six digits. */
export function caseNumber(prefix: string) {
  return sql`(select ${prefix}::text || lpad(n::text, greatest(6, length(n::text)), '0') from (select nextval('case_serial') as n) s)`;
}

export interface EventRow {
  id: string;
  at: Date;
  actor: string;
  actorRole: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  note: string | null;
  details: Record<string, unknown> | null;
}

export async function insertEvent(
  trx: Tx,
  e: { id: string; caseId: string; districtId: string; at: Date; actorRole: string | null; action: string; from: string | null; to: string | null; reason?: string | null; note?: string | null; details?: Record<string, unknown> | null },
): Promise<void> {
  await sql`insert into case_event (id, case_id, district_id, at, actor, actor_role, action, from_state, to_state, reason, note, details)
    values (${e.id}, ${e.caseId}, ${e.districtId}, ${e.at}, current_setting('app.actor'), ${e.actorRole}, ${e.action}, ${e.from}, ${e.to},
      ${e.reason ?? null}, ${e.note ?? null}, ${e.details ? JSON.stringify(e.details) : null}::jsonb)`.execute(trx);
}

export async function eventsOf(trx: Tx, caseId: string): Promise<EventRow[]> {
  const { rows } = await sql<EventRow>`select id, at, actor, actor_role as "actorRole", action, from_state as "fromState",
      to_state as "toState", reason, note, details from case_event where case_id = ${caseId} order by at, id`.execute(trx);
  return rows;
}

export interface ClockRow {
  id: string;
  stage: string;
  base: 'working' | 'natural';
  limitMinutes: number;
  startedAt: Date;
  stoppedAt: Date | null;
  pauses: Array<{ from: string; to: string | null }>;
  deadlineAt: Date | null;
  yellowAt: Date | null;
  overdueAt: Date | null;
  escalations: number;
}

export async function clocksOf(trx: Tx, caseId: string): Promise<ClockRow[]> {
  const { rows } = await sql<ClockRow>`select id, stage, base, limit_minutes as "limitMinutes", started_at as "startedAt",
      stopped_at as "stoppedAt", pauses, deadline_at as "deadlineAt", yellow_at as "yellowAt", overdue_at as "overdueAt",
      escalations from case_clock where case_id = ${caseId} order by started_at, id`.execute(trx);
  return rows;
}

export async function insertClock(
  trx: Tx,
  c: { id: string; caseId: string; districtId: string; stage: string; base: string; limitMinutes: number; startedAt: Date; deadlineAt: Date | null; yellowAt: Date | null },
): Promise<void> {
  await sql`insert into case_clock (id, case_id, district_id, stage, base, limit_minutes, started_at, deadline_at, yellow_at)
    values (${c.id}, ${c.caseId}, ${c.districtId}, ${c.stage}, ${c.base}, ${c.limitMinutes}, ${c.startedAt}, ${c.deadlineAt}, ${c.yellowAt})`.execute(trx);
}

export async function updateClock(
  trx: Tx,
  id: string,
  c: { stoppedAt: Date | null; pauses: Array<{ from: string; to: string | null }>; deadlineAt: Date | null; yellowAt: Date | null; limitMinutes: number },
): Promise<void> {
  await sql`update case_clock set stopped_at = ${c.stoppedAt}, pauses = ${JSON.stringify(c.pauses)}::jsonb,
      deadline_at = ${c.deadlineAt}, yellow_at = ${c.yellowAt}, limit_minutes = ${c.limitMinutes} where id = ${id}`.execute(trx);
}

export interface AttachmentRow {
  id: string;
  kind: string;
  contentType: string;
  bytes: number;
  storageKey: string;
  publicStorageKey: string;
  eventId: string | null;
  createdAt: Date;
}

export async function insertAttachment(
  trx: Tx,
  a: { id: string; caseId: string; districtId: string; eventId: string | null; kind: string; contentType: string; bytes: number; sha256: string; storageKey: string; publicStorageKey: string },
): Promise<void> {
  await sql`insert into case_attachment (id, case_id, district_id, event_id, kind, content_type, bytes, sha256, storage_key, public_storage_key)
    values (${a.id}, ${a.caseId}, ${a.districtId}, ${a.eventId}, ${a.kind}, ${a.contentType}, ${a.bytes}, ${a.sha256},
      ${a.storageKey}, ${a.publicStorageKey})`.execute(trx);
}

export async function attachmentsOf(trx: Tx, caseId: string): Promise<AttachmentRow[]> {
  const { rows } = await sql<AttachmentRow>`select id, kind, content_type as "contentType", bytes, storage_key as "storageKey",
      public_storage_key as "publicStorageKey", event_id as "eventId", created_at as "createdAt"
    from case_attachment where case_id = ${caseId} order by created_at, id`.execute(trx);
  return rows;
}
