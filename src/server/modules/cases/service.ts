import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { type Caller, systemCaller, type UserCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { trafficLight } from '../../../domain/calendar.ts';
import type { Category, Priority } from '../../../domain/categories.ts';
import { DataCipher, maskEmail, maskName, maskPhone } from '../../../domain/crypto.ts';
import { newId, randomSecret } from '../../../domain/ids.ts';
import {
  type ActionInput,
  allowedActions,
  type CaseAction,
  type CaseSnapshot,
  type Channel,
  decide,
  type Effect,
  intake as workflowIntake,
  validateInput,
} from '../../../domain/workflow.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../errors.ts';
import type { FileStorage } from '../../storage.ts';
import { recordAudit } from '../audit/service.ts';
import type { TerritoryService } from '../territory/service.ts';
import { actorFor, departmentOnly } from './access.ts';
import { applyClockEffects } from './clocks.ts';
import type { CaseEvent, EventBus } from './events.ts';
import { type StoredPhoto, storePhotos, type UploadedPhoto } from './photos.ts';
import { ensureReferenceData, loadReferenceData, type ReferenceData } from './reference.ts';
import * as store from './store.ts';

/** The NOTIFY channel that carries case events between server processes. */
const CASE_CHANNEL = 'gridloop_case';

export interface ReportInput {
  categoryCode: string;
  lat: number;
  lng: number;
  coordSys?: 'wgs84' | 'gcj02';
  description: string;
  address?: string;
  reporter?: { name?: string; phone?: string; email?: string };
  anonymous?: boolean;
  channel?: Channel;
  attributes?: Record<string, unknown>;
  deviceId?: string;
}

export interface ReportResult {
  caseId: string;
  caseNumber: string;
  trackingCode: string;
  state: string;
  triage: boolean;
  merged: boolean;
  duplicateCandidates: number;
}

/** Which channels a staff role may enter reports for; the public always reports as `resident`. */
const STAFF_CHANNELS: Record<string, Channel[]> = {
  intake_clerk: ['hotline'],
  shift_lead: ['hotline', 'law_enforcement'],
  dispatcher: ['hotline', 'law_enforcement'],
  grid_worker: ['grid_patrol'],
  department_staff: ['law_enforcement'],
  leader: [],
  admin: [],
};

/** Repeats from the same device within this window and radius merge automatically. */
const DEBOUNCE_MINUTES = 10;
const DEBOUNCE_METERS = 50;

export function hashTrackingCode(code: string): string {
  return createHash('sha256').update(code.trim().toUpperCase()).digest('hex');
}

/** A tracking code a person can read out on the phone: 16 characters of an unambiguous alphabet (80 bits). */
export function newTrackingCode(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = Buffer.from(randomSecret(24), 'base64url');
  let out = '';
  for (let i = 0; i < 16; i++) out += alphabet[bytes[i]! % alphabet.length];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`;
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The year at an instant in a time zone. A formatter costs a fraction of a millisecond to build: one per zone. */
function yearIn(timezone: string, at: Date): string {
  let f = yearFormats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric' });
    yearFormats.set(timezone, f);
  }
  return f.format(at);
}

function pgCode(err: unknown): string | undefined {
  return (err as { code?: string }).code;
}

export interface ActionRequest {
  action: CaseAction;
  input: ActionInput;
  photos: UploadedPhoto[];
  /** The version the client saw; a mismatch answers 409 CASE_CHANGED instead of acting on a stale page. */
  expectedVersion?: number;
}

export class CaseService {
  private ref: ReferenceData | null = null;
  readonly cipher: DataCipher;

  constructor(
    private readonly db: Database,
    private readonly territory: TerritoryService,
    private readonly config: Config,
    private readonly storage: FileStorage,
    private readonly bus: EventBus,
    /** Injectable clock: tests move time instead of sleeping. */
    readonly now: () => Date = () => new Date(),
  ) {
    this.cipher = new DataCipher(config.dataKey);
  }

  private unlisten: (() => Promise<void>) | null = null;

  async init(): Promise<void> {
    await ensureReferenceData(this.db);
    await this.reload();
    this.unlisten = await this.db.listen(CASE_CHANNEL, (payload) => {
      try {
        this.bus.publish(JSON.parse(payload) as CaseEvent);
      } catch {
        // A malformed payload is not ours; ignore it.
      }
    });
  }

  async close(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
  }

  async reload(): Promise<void> {
    this.ref = await this.db.run(systemCaller('reference-data'), (trx) => loadReferenceData(trx, this.config.timezone));
  }

  reference(): ReferenceData {
    if (!this.ref) throw new Error('CaseService.init() was not called');
    return this.ref;
  }

  category(code: string, field = 'categoryCode'): Category {
    const c = this.reference().categories.get(code);
    if (!c) throw new AppError('UNKNOWN_CATEGORY', { field, params: { code } });
    return c;
  }

  // ---------------------------------------------------------------- intake

  private channelFor(caller: Caller, requested: Channel | undefined): Channel {
    if (caller.kind === 'public') return 'resident';
    if (caller.kind === 'system') return requested ?? 'api';
    if (caller.tokenId) {
      const ch = requested ?? 'api';
      if (ch !== 'api' && ch !== 'sensor') throw new AppError('INVALID_INPUT', { field: 'channel', params: { field: 'channel' } });
      return ch;
    }
    const allowed = [...new Set(caller.assignments.flatMap((a) => STAFF_CHANNELS[a.role] ?? []))];
    const ch = requested ?? allowed[0];
    if (!ch || !allowed.includes(ch)) throw new AppError('INVALID_INPUT', { field: 'channel', params: { field: 'channel' } });
    return ch;
  }

  /** Where a point belongs: its grid and ancestors, or the triage queue of the nearest district within the buffer. */
  private route(lat: number, lng: number, coordSys: 'wgs84' | 'gcj02') {
    try {
      const r = this.territory.locate(lat, lng, coordSys);
      const byLevel = (l: string) => r.ancestors.find((a) => a.level === l) ?? null;
      const district = byLevel('district');
      if (!district) throw new AppError('OUTSIDE_SERVICE_AREA', { field: 'lat' });
      return { point: r.point, gridId: r.grid.id, communityId: byLevel('community')?.id ?? null, streetId: byLevel('street')?.id ?? null, district, triage: false };
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'OUTSIDE_GRIDS') throw err;
      const near = (err.opts.details as { nearest: { id: string; distanceMeters: number } | null }).nearest;
      if (!near || near.distanceMeters > this.config.serviceBufferM) throw new AppError('OUTSIDE_SERVICE_AREA', { field: 'lat' });
      const chain = this.territory.locateById(near.id);
      const district = chain.find((a) => a.level === 'district');
      if (!district) throw new AppError('OUTSIDE_SERVICE_AREA', { field: 'lat' });
      const [x, y] = this.territory.toWgs84(lat, lng, coordSys);
      return { point: { lat: y, lng: x }, gridId: null, communityId: null, streetId: null, district, triage: true };
    }
  }

  /** The most specific routing rule for a category at a node, else the nearest department of the category's kind. */
  private async suggestDepartment(trx: Tx, path: string, category: Category): Promise<string | null> {
    const { rows } = await sql<{ id: string }>`select department_id as id from routing_rule
      where path @> ${path}::ltree and (category_code = ${category.code} or category_code is null)
      order by nlevel(path) desc, (category_code is null) limit 1`.execute(trx);
    if (rows[0]) return rows[0].id;
    const { rows: byKind } = await sql<{ id: string }>`select id from department
      where kind = ${category.defaultDepartmentKind} and path @> ${path}::ltree order by nlevel(path) desc limit 1`.execute(trx);
    return byKind[0]?.id ?? null;
  }

  async report(caller: Caller, input: ReportInput, photos: UploadedPhoto[], idem: { key: string; callerKey: string } | null): Promise<{ status: number; body: ReportResult }> {
    const category = this.category(input.categoryCode);
    const channel = this.channelFor(caller, input.channel);
    const route = this.route(input.lat, input.lng, input.coordSys ?? 'wgs84');
    const reporter = input.anonymous ? {} : (input.reporter ?? {});
    const requestHash = createHash('sha256')
      .update(JSON.stringify({ ...input, photos: photos.map((p) => createHash('sha256').update(p.data).digest('hex')) }))
      .digest('hex');
    const now = this.now();
    const districtPath = this.territory.pathOf(route.district.id);
    const path = route.gridId ? this.territory.pathOf(route.gridId) : districtPath;
    const runAs: Caller = caller.kind === 'public' ? systemCaller('public-intake') : caller;
    const clientKey = createHash('sha256')
      .update(`${idem?.callerKey ?? (caller.kind === 'user' ? caller.userId : 'public')}|${input.deviceId ?? ''}`)
      .digest('hex');
    const trackingCode = newTrackingCode();
    const stored: StoredPhoto[] = [];
    let created: store.CaseRow | null = null as store.CaseRow | null;
    try {
      const result = await this.db.run(runAs, async (trx) => {
        if (idem) {
          // Two requests with one key: the second blocks on the primary key until the first commits, then reads its
          // answer. A failed first attempt rolls its key back, so the retry runs anew.
          const { rows } = await sql<{ key: string }>`insert into idempotency_key (caller_key, key, request_hash)
            values (${idem.callerKey}, ${idem.key}, ${requestHash}) on conflict do nothing returning key`.execute(trx);
          if (!rows[0]) {
            const { rows: prior } = await sql<{ requestHash: string; status: number | null; response: ReportResult | null; createdAt: Date }>`
              select request_hash as "requestHash", status, response, created_at as "createdAt" from idempotency_key
              where caller_key = ${idem.callerKey} and key = ${idem.key}`.execute(trx);
            const p = prior[0];
            if (p && p.createdAt.getTime() > now.getTime() - 24 * 3600_000) {
              if (p.requestHash !== requestHash) throw new AppError('IDEMPOTENCY_KEY_REUSED', { field: 'idempotency-key' });
              if (p.response) return { status: p.status ?? 201, body: p.response, replay: true };
            }
            await sql`update idempotency_key set request_hash = ${requestHash}, status = null, response = null, created_at = now()
              where caller_key = ${idem.callerKey} and key = ${idem.key}`.execute(trx);
          }
        }
        const departmentId = await this.suggestDepartment(trx, path, category);
        const triage = route.triage || departmentId === null;
        // In one statement, before the new case exists: a repeat from the same device, same category, close by and soon
        // after (it joins the earlier case), and how many open cases of the category are near (possible duplicates).
        const here = sql`st_setsrid(st_makepoint(${route.point.lng}, ${route.point.lat}), 4326)::geography`;
        const { rows: nearby } = await sql<{ repeat: string | null; duplicates: number }>`select
            (select id from cases where client_key = ${clientKey} and category_code = ${category.code}
              and reported_at > ${new Date(now.getTime() - DEBOUNCE_MINUTES * 60_000)}
              and state not in ('rejected', 'merged', 'voided', 'transferred', 'closed')
              and st_dwithin(geom::geography, ${here}, ${DEBOUNCE_METERS})
              order by reported_at limit 1) as repeat,
            (select count(*)::int from cases where category_code = ${category.code}
              and state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified')
              and reported_at > ${new Date(now.getTime() - category.duplicateWindowMinutes * 60_000)}
              and st_dwithin(geom::geography, ${here}, ${category.duplicateRadiusM})) as duplicates`.execute(trx);
        const repeat = nearby[0]?.repeat ? [{ id: nearby[0].repeat }] : [];
        const start = workflowIntake(channel, {
          gridId: route.gridId,
          districtId: route.district.id,
          departmentId: null,
          reporterMayVerify: category.reporterMayVerify,
          afterPhotoRequired: category.afterPhotoRequired,
        });
        const id = newId();
        const number = await store.insertCase(trx, {
          id,
          districtId: route.district.id,
          streetId: route.streetId,
          communityId: route.communityId,
          gridId: route.gridId,
          path,
          numberPrefix: `${route.district.code}-${yearIn(this.config.timezone, now)}-`,
          trackingHash: hashTrackingCode(trackingCode),
          channel,
          categoryCode: category.code,
          priority: 'normal',
          state: start.snapshot.state,
          triage,
          suggestedDepartmentId: departmentId,
          description: input.description,
          address: input.address ?? null,
          lat: route.point.lat,
          lng: route.point.lng,
          attributes: input.attributes ?? null,
          reporterNameEnc: this.cipher.encrypt(reporter.name),
          reporterPhoneEnc: this.cipher.encrypt(reporter.phone),
          reporterEmailEnc: this.cipher.encrypt(reporter.email),
          reporterPhoneIndex: reporter.phone ? this.cipher.blindIndex(reporter.phone.replace(/\D/g, '')) : null,
          anonymous: Boolean(input.anonymous),
          clientKey,
          linkedCaseId: null,
          reportedAt: now,
        });
        const eventId = newId();
        await store.insertEvent(trx, {
          id: eventId,
          caseId: id,
          districtId: route.district.id,
          at: now,
          actorRole: caller.kind === 'user' ? (caller.assignments[0]?.role ?? null) : caller.kind,
          action: 'intake',
          from: null,
          to: start.snapshot.state,
          details: { channel, triage, photos: photos.length },
        });
        await applyClockEffects(
          { trx, cal: this.reference().calendar, caseId: id, districtId: route.district.id, category, priority: 'normal', now },
          start.effects,
        );
        stored.push(...(await storePhotos(this.storage, photos, id, now)));
        for (const p of stored) {
          await store.insertAttachment(trx, { ...p, caseId: id, districtId: route.district.id, eventId, kind: 'report' });
        }
        let merged = false;
        // Only a case still waiting for the clerk can join another by itself; a patrol's confirmed case stands alone.
        const primary = start.snapshot.state === 'reported' || start.snapshot.state === 'accepted' ? repeat[0] : undefined;
        if (primary) {
          await this.applyAction(trx, await this.mustGet(trx, id), 'merge', { primaryCaseId: primary.id, reason: 'debounce' }, { kind: 'system' }, 'system', [], now);
          merged = true;
        }
        await recordAudit(trx, {
          action: 'case.report',
          objectType: 'case',
          objectId: id,
          jurisdictionId: route.gridId ?? route.district.id,
          jurisdictionPath: path,
          details: { channel, category: category.code, triage, merged },
        });
        const body: ReportResult = {
          caseId: id,
          caseNumber: number,
          trackingCode,
          state: merged ? 'merged' : start.snapshot.state,
          triage,
          merged,
          duplicateCandidates: nearby[0]?.duplicates ?? 0,
        };
        if (idem) {
          await sql`update idempotency_key set status = 201, response = ${JSON.stringify(body)}::jsonb, completed_at = now()
            where caller_key = ${idem.callerKey} and key = ${idem.key}`.execute(trx);
        }
        created = await store.getCase(trx, id);
        if (created) await this.notify(trx, 'case.created', created, 'intake');
        return { status: 201, body, replay: false };
      });
      return { status: result.status, body: result.body };
    } catch (err) {
      // Nothing half-written: the transaction rolled back, so the photos it stored go too.
      for (const p of stored) {
        await this.storage.delete(p.storageKey).catch(() => {});
        await this.storage.delete(p.publicStorageKey).catch(() => {});
      }
      if (pgCode(err) === '42501') throw new AppError('FORBIDDEN', { field: 'lat' });
      throw err;
    }
  }

  // ---------------------------------------------------------------- actions

  private async mustGet(trx: Tx, id: string, forUpdate = false): Promise<store.CaseRow> {
    const row = await store.getCase(trx, id, forUpdate);
    if (!row) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
    return row;
  }

  snapshotOf(row: store.CaseRow): CaseSnapshot {
    const category = this.reference().categories.get(row.categoryCode);
    const closedAt = row.state === 'closed' ? row.closedAt : null;
    return {
      state: row.state as CaseSnapshot['state'],
      channel: row.channel as Channel,
      parked: row.parked,
      parkRequested: row.parkRequested,
      extensionRequested: row.extensionRequested,
      closedAt,
      rating: closedAt && row.ratedAt && row.ratedAt >= closedAt && row.fixed !== null ? { fixed: row.fixed, at: row.ratedAt } : null,
      callbackPending: row.callbackPending,
      reworkCount: row.reworkCount,
      escalationLevel: row.escalationLevel,
      supervised: row.supervised,
      gridId: row.gridId,
      districtId: row.districtId,
      departmentId: row.departmentId,
      reporterMayVerify: category?.reporterMayVerify ?? false,
      afterPhotoRequired: category?.afterPhotoRequired ?? true,
    };
  }

  private async onCase(trx: Tx, caller: Caller, caseId: string): Promise<boolean> {
    if (caller.kind !== 'user') return false;
    const { rows } = await sql<{ yes: boolean }>`select exists (select 1 from case_event where case_id = ${caseId}
      and actor in (${`user:${caller.userId}`}, ${caller.tokenId ? `token:${caller.tokenId}` : ''})) as yes`.execute(trx);
    return rows[0]?.yes ?? false;
  }

  async act(caller: UserCaller, id: string, req: ActionRequest) {
    const now = this.now();
    const stored: StoredPhoto[] = [];
    try {
      const row = await this.db.run(caller, async (trx) => {
        const current = await this.mustGet(trx, id, true);
        if (req.expectedVersion !== undefined && req.expectedVersion !== current.version) throw new AppError('CASE_CHANGED', { field: 'version' });
        const actor = actorFor(caller, current, await this.onCase(trx, caller, id));
        const decision = decide(this.snapshotOf(current), req.action, actor, now);
        if (!decision.ok) {
          if (decision.reason === 'scope') throw new AppError('CASE_NOT_FOUND', { field: 'id' });
          throw new AppError('TRANSITION_NOT_ALLOWED', { field: 'action', params: { action: req.action, state: current.state } });
        }
        stored.push(...(await storePhotos(this.storage, req.photos, id, now)));
        return this.applyAction(trx, current, req.action, { ...req.input, photos: req.photos.length }, actor, decision.as, stored, now);
      });
      return row;
    } catch (err) {
      for (const p of stored) {
        await this.storage.delete(p.storageKey).catch(() => {});
        await this.storage.delete(p.publicStorageKey).catch(() => {});
      }
      if (pgCode(err) === '42501') throw new AppError('FORBIDDEN');
      throw err;
    }
  }

  /** The reporter's actions by tracking code: verify where the category allows, and rate. */
  async actByTracking(trackingCode: string, action: 'verify_pass' | 'verify_fail' | 'rate', input: ActionInput, photos: UploadedPhoto[]) {
    const now = this.now();
    const stored: StoredPhoto[] = [];
    try {
      const result = await this.db.run(systemCaller('tracking'), async (trx) => {
        const current = await store.getCaseByTracking(trx, hashTrackingCode(trackingCode));
        if (!current) throw new AppError('TRACKING_CODE_NOT_FOUND', { field: 'trackingCode' });
        await sql`select 1 from cases where id = ${current.id} for update`.execute(trx);
        const decision = decide(this.snapshotOf(current), action, { kind: 'reporter', trackingCodeValid: true }, now);
        if (!decision.ok) {
          throw new AppError('TRANSITION_NOT_ALLOWED', { field: 'action', params: { action, state: current.state } });
        }
        stored.push(...(await storePhotos(this.storage, photos, current.id, now)));
        let row = await this.applyAction(trx, current, action, { ...input, photos: photos.length }, { kind: 'reporter', trackingCodeValid: true }, 'reporter', stored, now);
        // A "not fixed" rating within the window reopens the case by itself.
        if (action === 'rate' && input.fixed === false) {
          const auto = decide(this.snapshotOf(row), 'reopen', { kind: 'system' }, now);
          if (auto.ok) row = await this.applyAction(trx, row, 'reopen', { reason: 'rated not fixed by the reporter' }, { kind: 'system' }, 'system', [], now);
        }
        return row;
      });
      return result;
    } catch (err) {
      for (const p of stored) await this.storage.delete(p.storageKey).catch(() => {});
      throw err;
    }
  }

  /** Validates the input, writes the state, its effects, the timeline row and the audit row: one transaction. */
  async applyAction(
    trx: Tx,
    current: store.CaseRow,
    action: CaseAction,
    input: ActionInput,
    actor: Parameters<typeof decide>[2],
    as: string,
    photos: StoredPhoto[],
    now: Date,
  ): Promise<store.CaseRow> {
    const snapshot = this.snapshotOf(current);
    const decision = decide(snapshot, action, actor, now);
    if (!decision.ok) throw new AppError('TRANSITION_NOT_ALLOWED', { field: 'action', params: { action, state: current.state } });
    const problems = validateInput(action, input, snapshot);
    if (problems[0]) {
      throw new AppError('INVALID_INPUT', { field: problems[0].field, params: { field: problems[0].field }, details: { problems } });
    }
    let category = this.category(current.categoryCode);
    let priority: Priority = current.priority;
    const set: Array<ReturnType<typeof sql>> = [];
    const details: Record<string, unknown> = {};
    const to = decision.to;
    for (const e of decision.effects as Effect[]) {
      switch (e.kind) {
        case 'rework_plus_one':
          set.push(sql`rework_count = rework_count + 1`);
          break;
        case 'escalation_plus_one':
          set.push(sql`escalation_level = escalation_level + 1`);
          break;
        case 'flag_supervised':
          set.push(sql`supervised = true, supervise_due = ${input.dueDate ?? null}::date`);
          break;
        case 'set_parked':
          set.push(sql`parked = ${e.value}`);
          break;
        case 'set_park_requested':
          set.push(sql`park_requested = ${e.value}`);
          if (e.value) set.push(sql`park_review_date = ${input.reviewDate ?? null}::date`);
          break;
        case 'set_extension_requested':
          set.push(sql`extension_requested = ${e.value}`);
          if (e.value) set.push(sql`requested_deadline = ${input.newDeadline ?? null}`);
          break;
        case 'set_category_and_priority':
          category = this.category(input.categoryCode ?? current.categoryCode);
          priority = input.priority ?? priority;
          set.push(sql`category_code = ${category.code}, priority = ${priority}, registered_at = ${now}`);
          details.category = category.code;
          details.priority = priority;
          break;
        case 'apply_new_deadline':
          set.push(sql`deadline_at = requested_deadline, extended = true`);
          break;
        case 'set_department': {
          const { rows } = await sql<{ id: string }>`select id from department where id = ${input.departmentId ?? null}::uuid`.execute(trx);
          if (!rows[0]) throw new AppError('UNKNOWN_DEPARTMENT', { field: 'departmentId' });
          set.push(sql`department_id = ${rows[0].id}, triage = false, dispatched_at = ${now}`);
          details.department = rows[0].id;
          break;
        }
        case 'clear_department':
          set.push(sql`department_id = null`);
          break;
        case 'set_grid': {
          const chain = input.gridId ? this.territory.locateById(input.gridId) : [];
          const district = chain.find((n) => n.level === 'district');
          if (!input.gridId || !district || district.id !== current.districtId || !this.territory.isGrid(input.gridId)) {
            throw new AppError('INVALID_INPUT', { field: 'gridId', params: { field: 'gridId' } });
          }
          set.push(sql`grid_id = ${input.gridId}, community_id = ${chain.find((n) => n.level === 'community')?.id ?? null},
            street_id = ${chain.find((n) => n.level === 'street')?.id ?? null}, path = ${this.territory.pathOf(input.gridId)}::ltree, triage = false`);
          details.grid = input.gridId;
          break;
        }
        case 'record_rating':
          set.push(sql`rating = ${input.rating ?? null}, fixed = ${input.fixed ?? null}, rated_at = ${now}`);
          details.rating = input.rating;
          details.fixed = input.fixed;
          break;
        case 'create_callback_task':
          set.push(sql`callback_pending = true`);
          break;
        case 'complete_callback_task':
          set.push(sql`callback_pending = false, callback_answer = ${input.callerAnswer ?? null}`);
          details.callerAnswer = input.callerAnswer;
          break;
        case 'cancel_callback_task':
          set.push(sql`callback_pending = false`);
          break;
        case 'point_to_primary': {
          const { rows } = await sql<{ id: string; state: string }>`select id, state from cases where id = ${input.primaryCaseId ?? null}::uuid`.execute(trx);
          const p = rows[0];
          if (!p || p.id === current.id || ['merged', 'voided', 'transferred', 'rejected'].includes(p.state)) {
            throw new AppError('INVALID_INPUT', { field: 'primaryCaseId', params: { field: 'primaryCaseId' } });
          }
          await sql`update cases set supporters = supporters + 1 + ${current.supporters}, updated_at = ${now}, version = version + 1
            where id = ${p.id}`.execute(trx);
          set.push(sql`primary_case_id = ${p.id}`);
          details.primary = p.id;
          break;
        }
        case 'open_linked_case':
          details.linkedCase = await this.openLinkedCase(trx, current, input.districtId ?? '', now);
          set.push(sql`linked_case_id = ${details.linkedCase as string}`);
          break;
        default:
          break;
      }
    }
    if (to === 'accepted' && current.state === 'reported') set.push(sql`accepted_at = ${now}`);
    if (to === 'handled') set.push(sql`handled_at = ${now}`);
    if (to === 'closed' && current.state !== 'closed') set.push(sql`closed_at = ${now}`);
    set.push(sql`state = ${to}, updated_at = ${now}, version = version + 1`);
    await sql`update cases set ${sql.join(set, sql`, `)} where id = ${current.id}`.execute(trx);
    const eventId = newId();
    await store.insertEvent(trx, {
      id: eventId,
      caseId: current.id,
      districtId: current.districtId,
      at: now,
      actorRole: as,
      action,
      from: current.state,
      to,
      reason: input.reason ?? null,
      note: input.note ?? null,
      details: Object.keys(details).length || photos.length ? { ...details, photos: photos.length } : null,
    });
    for (const p of photos) {
      const kind = action === 'handle' ? 'after' : action === 'confirm' ? 'confirm' : action.startsWith('verify') ? 'verify' : 'other';
      await store.insertAttachment(trx, { ...p, caseId: current.id, districtId: current.districtId, eventId, kind });
    }
    await applyClockEffects(
      { trx, cal: this.reference().calendar, caseId: current.id, districtId: current.districtId, category, priority, now },
      decision.effects,
      input.newDeadline ?? current.requestedDeadline ?? undefined,
    );
    if (action === 'register' || action === 'dispatch' || action === 'reassign') {
      // The handle deadline people see (Open311 expected_datetime): the running clock's, or dispatch + handle ahead.
      await sql`update cases c set deadline_at = coalesce(
          (select deadline_at from case_clock k where k.case_id = c.id and k.stage = 'handle' and k.stopped_at is null order by started_at desc limit 1),
          c.stage_deadline_at)
        where c.id = ${current.id} and not c.extended`.execute(trx);
    }
    await recordAudit(trx, {
      action: `case.${action}`,
      objectType: 'case',
      objectId: current.id,
      jurisdictionId: current.gridId ?? current.districtId,
      jurisdictionPath: current.path,
      reason: input.reason ?? null,
      details: { from: current.state, to },
    });
    const after = await this.mustGet(trx, current.id);
    await this.notify(trx, 'case.changed', after, action);
    return after;
  }

  /** Transfer: a linked case opens `accepted` in the other district's triage queue, with the same report. */
  private async openLinkedCase(trx: Tx, from: store.CaseRow, districtId: string, now: Date): Promise<string> {
    const fromRoot = this.territory.pathOf(from.districtId).split('.')[0];
    if (
      !districtId ||
      districtId === from.districtId ||
      !this.territory.isLevel(districtId, 'district') ||
      this.territory.pathOf(districtId).split('.')[0] !== fromRoot
    ) {
      throw new AppError('INVALID_INPUT', { field: 'districtId', params: { field: 'districtId' } });
    }
    const code = this.territory.codeOf(districtId);
    const id = newId();
    // The other district is outside the shift lead's scope by design: for these writes alone the transaction takes
    // the system's reach, and gives it back before anything else runs.
    await sql`select set_config('app.scope_all', 'on', true)`.execute(trx);
    await sql`insert into cases (id, district_id, path, number, tracking_hash, channel, category_code, priority, state, triage,
        description, address, lat, lng, geom, attributes, reporter_name_enc, reporter_phone_enc, reporter_email_enc,
        reporter_phone_index, anonymous, linked_case_id, reported_at, accepted_at)
      select ${id}, ${districtId}, ${this.territory.pathOf(districtId)}::ltree, ${store.caseNumber(`${code}-${yearIn(this.config.timezone, now)}-`)}, ${hashTrackingCode(newTrackingCode())},
        channel, category_code, priority, 'accepted', true, description, address, lat, lng, geom, attributes,
        reporter_name_enc, reporter_phone_enc, reporter_email_enc, reporter_phone_index, anonymous, id, ${now}, ${now}
      from cases where id = ${from.id}`.execute(trx);
    await store.insertEvent(trx, {
      id: newId(),
      caseId: id,
      districtId,
      at: now,
      actorRole: 'system',
      action: 'intake',
      from: null,
      to: 'accepted',
      details: { transferredFrom: from.id },
    });
    const category = this.category(from.categoryCode);
    await applyClockEffects({ trx, cal: this.reference().calendar, caseId: id, districtId, category, priority: from.priority, now }, [
      { kind: 'start_case_clock' },
      { kind: 'start_clock', stage: 'confirm' },
    ]);
    await recordAudit(trx, {
      action: 'case.transfer_in',
      objectType: 'case',
      objectId: id,
      jurisdictionId: districtId,
      jurisdictionPath: this.territory.pathOf(districtId),
      details: { from: from.id },
    });
    await sql`select set_config('app.scope_all', 'off', true)`.execute(trx);
    return id;
  }

  /**
   * Announces a change with NOTIFY inside the transaction: PostgreSQL delivers it only if the transaction commits,
   * and to every server process listening, whose SSE clients then hear it.
   */
  private async notify(trx: Tx, type: 'case.created' | 'case.changed', row: store.CaseRow, action: string): Promise<void> {
    const event: CaseEvent = {
      type,
      caseId: row.id,
      number: row.number,
      path: row.path,
      gridId: row.gridId,
      departmentId: row.departmentId,
      state: row.state,
      action,
      at: row.updatedAt.toISOString(),
    };
    await sql`select pg_notify(${CASE_CHANNEL}, ${JSON.stringify(event)})`.execute(trx);
  }

  // ---------------------------------------------------------------- reads

  lightOf(row: store.CaseRow, now = this.now()): 'green' | 'yellow' | 'red' | null {
    if (!row.stageDeadlineAt || row.parked) return null;
    if (now >= row.stageDeadlineAt) return 'red';
    if (row.stageYellowAt && now >= row.stageYellowAt) return 'yellow';
    return 'green';
  }

  reporterView(row: store.CaseRow, reveal: boolean) {
    if (row.anonymous) return { anonymous: true, name: null, phone: null, email: null, masked: false };
    const name = this.cipher.decrypt(row.reporterNameEnc);
    const phone = this.cipher.decrypt(row.reporterPhoneEnc);
    const email = this.cipher.decrypt(row.reporterEmailEnc);
    return reveal
      ? { anonymous: false, name, phone, email, masked: false }
      : { anonymous: false, name: maskName(name), phone: maskPhone(phone), email: maskEmail(email), masked: true };
  }

  async get(caller: UserCaller, id: string) {
    return this.db.run(caller, async (trx) => {
      const row = await this.mustGet(trx, id);
      const dept = departmentOnly(caller);
      if (dept && row.departmentId !== dept) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
      const actor = actorFor(caller, row, await this.onCase(trx, caller, id));
      const actions = allowedActions(this.snapshotOf(row), actor, this.now());
      const category = this.reference().categories.get(row.categoryCode);
      const { rows: candidates } = await sql<{ id: string; number: string; state: string; distanceM: number }>`
        select c2.id, c2.number, c2.state, st_distance(c2.geom::geography, c.geom::geography) as "distanceM"
        from cases c join cases c2 on c2.id <> c.id and c2.category_code = c.category_code
          and c2.state in ('reported', 'accepted', 'confirmed', 'registered', 'dispatched', 'handling', 'handled', 'verified', 'closed')
          and c2.reported_at > c.reported_at - make_interval(mins => ${category?.duplicateWindowMinutes ?? 1440})
          and st_dwithin(c2.geom::geography, c.geom::geography, ${category?.duplicateRadiusM ?? 50})
        where c.id = ${id} order by "distanceM" limit 10`.execute(trx);
      const clocks = await store.clocksOf(trx, id);
      const attachments = await store.attachmentsOf(trx, id);
      return { row, actions, candidates, clocks, attachments };
    });
  }

  async revealReporter(caller: UserCaller, id: string, reason: string) {
    return this.db.run(caller, async (trx) => {
      const row = await this.mustGet(trx, id);
      await recordAudit(trx, {
        action: 'case.reveal_reporter',
        objectType: 'case',
        objectId: id,
        jurisdictionId: row.gridId ?? row.districtId,
        jurisdictionPath: row.path,
        reason,
      });
      return this.reporterView(row, true);
    });
  }

  async timeline(caller: UserCaller, id: string) {
    return this.db.run(caller, async (trx) => {
      await this.mustGet(trx, id);
      return store.eventsOf(trx, id);
    });
  }

  async tracking(code: string) {
    return this.db.run({ kind: 'public' }, async (trx) => {
      const { rows } = await sql<{ id: string; number: string; state: string; categoryCode: string; description: string; address: string | null; lat: number; lng: number; reportedAt: Date; closedAt: Date | null; deadlineAt: Date | null; rating: number | null; primaryCaseId: string | null; supporters: number }>`
        select id, number, state, category_code as "categoryCode", description, address, lat, lng, reported_at as "reportedAt",
          closed_at as "closedAt", deadline_at as "deadlineAt", rating, primary_case_id as "primaryCaseId", supporters
        from public_case where tracking_hash = ${hashTrackingCode(code)}`.execute(trx);
      const c = rows[0];
      if (!c) throw new AppError('TRACKING_CODE_NOT_FOUND', { field: 'trackingCode' });
      const { rows: events } = await sql<{ at: Date; action: string; fromState: string | null; toState: string | null }>`
        select at, action, from_state as "fromState", to_state as "toState" from public_case_event where case_id = ${c.id} order by at, id`.execute(trx);
      const { rows: photos } = await sql<{ id: string; kind: string; contentType: string }>`
        select id, kind, content_type as "contentType" from public_case_attachment where case_id = ${c.id} order by created_at, id`.execute(trx);
      const { rows: primary } = c.primaryCaseId
        ? await sql<{ number: string; state: string }>`select number, state from public_case where id = ${c.primaryCaseId}`.execute(trx)
        : { rows: [] };
      const category = this.reference().categories.get(c.categoryCode);
      const actions = (['verify_pass', 'verify_fail', 'rate'] as const).filter((a) => {
        const snap: CaseSnapshot = {
          ...this.snapshotOf({ state: c.state, categoryCode: c.categoryCode, closedAt: c.closedAt, ratedAt: null, fixed: null } as store.CaseRow),
        };
        return decide(snap, a, { kind: 'reporter', trackingCodeValid: true }, this.now()).ok;
      });
      return { case: c, events, photos, category, actions, primary: primary[0] ?? null };
    });
  }

  async publicPhoto(code: string, attachmentId: string): Promise<{ data: Uint8Array; contentType: string } | null> {
    const found = await this.db.run({ kind: 'public' }, async (trx) => {
      const { rows } = await sql<{ key: string; contentType: string }>`select a.public_storage_key as key, a.content_type as "contentType"
        from public_case_attachment a join public_case c on c.id = a.case_id
        where c.tracking_hash = ${hashTrackingCode(code)} and a.id = ${attachmentId}::uuid`.execute(trx);
      return rows[0] ?? null;
    });
    if (!found) return null;
    const data = await this.storage.get(found.key);
    return data ? { data, contentType: found.contentType } : null;
  }

  async staffPhoto(caller: UserCaller, caseId: string, attachmentId: string) {
    const found = await this.db.run(caller, async (trx) => {
      const { rows } = await sql<{ key: string; contentType: string }>`select storage_key as key, content_type as "contentType"
        from case_attachment where case_id = ${caseId} and id = ${attachmentId}`.execute(trx);
      return rows[0] ?? null;
    });
    if (!found) return null;
    const data = await this.storage.get(found.key);
    return data ? { data, contentType: found.contentType } : null;
  }

  trafficLightOfClock(clock: store.ClockRow): 'green' | 'yellow' | 'red' {
    return trafficLight(
      this.reference().calendar,
      {
        limitMinutes: clock.limitMinutes,
        base: clock.base,
        startedAt: clock.startedAt,
        stoppedAt: clock.stoppedAt,
        pauses: clock.pauses.map((p) => ({ from: new Date(p.from), to: p.to ? new Date(p.to) : null })),
      },
      this.now(),
    );
  }
}
