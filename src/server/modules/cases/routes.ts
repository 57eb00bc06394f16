import { createHash } from 'node:crypto';
import multipart from '@fastify/multipart';
import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { scopePaths, type UserCaller } from '../../../db/caller.ts';
import { isUuid } from '../../../domain/ids.ts';
import { CASE_ACTIONS, type ActionInput, type CaseAction, CHANNELS, type Channel } from '../../../domain/workflow.ts';
import type { App, AppContext } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import { departmentOnly } from './access.ts';
import { listCases, inbox, type CaseFilters } from './queries.ts';
import { MAX_PHOTO_BYTES, MAX_PHOTOS, type UploadedPhoto } from './photos.ts';
import type { ReportInput } from './service.ts';
import { categoryTreeOf } from './reference.ts';
import type { CaseRow } from './store.ts';

const Num = Type.Number();
const OptStr = (max: number) => Type.Optional(Type.String({ maxLength: max }));

/** One schema for JSON and multipart bodies: multipart fields arrive as text and are coerced. */
const ReportBody = Type.Object(
  {
    categoryCode: Type.String({ pattern: '^[CE][0-9]{4}$' }),
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    coordSys: Type.Optional(Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')])),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    address: OptStr(300),
    reporter: Type.Optional(
      Type.Object({ name: OptStr(100), phone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{5,20}$' })), email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })) }),
    ),
    reporterName: OptStr(100),
    reporterPhone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{5,20}$' })),
    reporterEmail: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
    anonymous: Type.Optional(Type.Boolean()),
    channel: Type.Optional(Type.Union(CHANNELS.map((c) => Type.Literal(c)))),
    attributes: Type.Optional(Type.Union([Type.Record(Type.String({ maxLength: 64 }), Type.Unknown()), Type.String({ maxLength: 4000 })])),
    deviceId: OptStr(100),
    photos: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

const ActionBody = Type.Object(
  {
    reason: OptStr(1000),
    note: OptStr(2000),
    categoryCode: Type.Optional(Type.String({ pattern: '^[CE][0-9]{4}$' })),
    priority: Type.Optional(Type.Union([Type.Literal('urgent'), Type.Literal('high'), Type.Literal('normal')])),
    departmentId: Type.Optional(Type.String({ maxLength: 64 })),
    primaryCaseId: Type.Optional(Type.String({ maxLength: 64 })),
    newDeadline: Type.Optional(Type.String({ format: 'date-time' })),
    reviewDate: Type.Optional(Type.String({ format: 'date' })),
    dueDate: Type.Optional(Type.String({ format: 'date' })),
    gridId: Type.Optional(Type.String({ maxLength: 64 })),
    districtId: Type.Optional(Type.String({ maxLength: 64 })),
    rating: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    fixed: Type.Optional(Type.Boolean()),
    duplicatesReviewed: Type.Optional(Type.Boolean()),
    callerAnswer: Type.Optional(Type.Union(['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'].map((a) => Type.Literal(a)))),
    version: Type.Optional(Type.Integer({ minimum: 0 })),
    photos: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

type ActionBodyT = {
  reason?: string;
  note?: string;
  categoryCode?: string;
  priority?: 'urgent' | 'high' | 'normal';
  departmentId?: string;
  primaryCaseId?: string;
  newDeadline?: string;
  reviewDate?: string;
  dueDate?: string;
  gridId?: string;
  districtId?: string;
  rating?: number;
  fixed?: boolean;
  duplicatesReviewed?: boolean;
  callerAnswer?: ActionInput['callerAnswer'];
  version?: number;
  photos?: unknown;
};

function photosOf(v: unknown): UploadedPhoto[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((p) => {
    if (!(p instanceof Uint8Array)) throw new AppError('PHOTO_NOT_ACCEPTED', { field: 'photos' });
    return { data: p, filename: null };
  });
}

function toActionInput(b: ActionBodyT): ActionInput {
  const date = (s: string | undefined, field: string) => {
    if (s === undefined) return undefined;
    const d = new Date(s);
    if (Number.isNaN(d.getTime())) throw new AppError('VALIDATION_FAILED', { field, params: { detail: `${field} is not a date` } });
    return d;
  };
  const id = (s: string | undefined, field: string) => {
    if (s === undefined) return undefined;
    if (!isUuid(s)) throw new AppError('INVALID_INPUT', { field, params: { field } });
    return s;
  };
  return {
    reason: b.reason?.trim() || undefined,
    note: b.note?.trim() || undefined,
    categoryCode: b.categoryCode,
    priority: b.priority,
    departmentId: id(b.departmentId, 'departmentId'),
    primaryCaseId: id(b.primaryCaseId, 'primaryCaseId'),
    newDeadline: date(b.newDeadline, 'newDeadline'),
    reviewDate: date(b.reviewDate, 'reviewDate'),
    dueDate: date(b.dueDate, 'dueDate'),
    gridId: id(b.gridId, 'gridId'),
    districtId: id(b.districtId, 'districtId'),
    rating: b.rating,
    fixed: b.fixed,
    duplicatesReviewed: b.duplicatesReviewed,
    callerAnswer: b.callerAnswer,
  };
}

export function presentCase(ctx: AppContext, row: CaseRow, locale: ReturnType<typeof negotiateLocale>) {
  const category = ctx.cases.reference().categories.get(row.categoryCode);
  return {
    id: row.id,
    number: row.number,
    state: row.state,
    channel: row.channel,
    categoryCode: row.categoryCode,
    categoryName: category?.names[locale] ?? row.categoryCode,
    priority: row.priority,
    triage: row.triage,
    parked: row.parked,
    parkRequested: row.parkRequested,
    extensionRequested: row.extensionRequested,
    supervised: row.supervised,
    escalationLevel: row.escalationLevel,
    reworkCount: row.reworkCount,
    districtId: row.districtId,
    gridId: row.gridId,
    departmentId: row.departmentId,
    suggestedDepartmentId: row.suggestedDepartmentId,
    description: row.description,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    primaryCaseId: row.primaryCaseId,
    linkedCaseId: row.linkedCaseId,
    supporters: row.supporters,
    deadlineAt: row.deadlineAt?.toISOString() ?? null,
    stage: row.stage,
    stageDeadlineAt: row.stageDeadlineAt?.toISOString() ?? null,
    light: ctx.cases.lightOf(row),
    rating: row.rating,
    callbackPending: row.callbackPending,
    reportedAt: row.reportedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  };
}

const CaseSummary = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    state: Type.String(),
    channel: Type.String(),
    categoryCode: Type.String(),
    categoryName: Type.String(),
    priority: Type.String(),
    triage: Type.Boolean(),
    parked: Type.Boolean(),
    parkRequested: Type.Boolean(),
    extensionRequested: Type.Boolean(),
    supervised: Type.Boolean(),
    escalationLevel: Type.Integer(),
    reworkCount: Type.Integer(),
    districtId: Type.String(),
    gridId: Type.Union([Type.String(), Type.Null()]),
    departmentId: Type.Union([Type.String(), Type.Null()]),
    suggestedDepartmentId: Type.Union([Type.String(), Type.Null()]),
    description: Type.String(),
    address: Type.Union([Type.String(), Type.Null()]),
    lat: Num,
    lng: Num,
    primaryCaseId: Type.Union([Type.String(), Type.Null()]),
    linkedCaseId: Type.Union([Type.String(), Type.Null()]),
    supporters: Type.Integer(),
    deadlineAt: Type.Union([Type.String(), Type.Null()]),
    stage: Type.Union([Type.String(), Type.Null()]),
    stageDeadlineAt: Type.Union([Type.String(), Type.Null()]),
    light: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red'), Type.Null()]),
    rating: Type.Union([Type.Integer(), Type.Null()]),
    callbackPending: Type.Boolean(),
    reportedAt: Type.String(),
    closedAt: Type.Union([Type.String(), Type.Null()]),
    updatedAt: Type.String(),
    version: Type.Integer(),
  },
  { $id: 'CaseSummary' },
);

const ReportResult = Type.Object({
  caseId: Type.String(),
  caseNumber: Type.String(),
  trackingCode: Type.String(),
  state: Type.String(),
  triage: Type.Boolean(),
  merged: Type.Boolean(),
  duplicateCandidates: Type.Integer(),
});

function reportInput(body: Record<string, unknown>): ReportInput {
  let attributes = body.attributes as ReportInput['attributes'] | string | undefined;
  if (typeof attributes === 'string') {
    try {
      attributes = JSON.parse(attributes) as Record<string, unknown>;
    } catch {
      throw new AppError('VALIDATION_FAILED', { field: 'attributes', params: { detail: 'attributes must be a JSON object' } });
    }
  }
  const r = (body.reporter ?? {}) as { name?: string; phone?: string; email?: string };
  const reporter = {
    name: (body.reporterName as string | undefined) ?? r.name,
    phone: (body.reporterPhone as string | undefined) ?? r.phone,
    email: (body.reporterEmail as string | undefined) ?? r.email,
  };
  return {
    categoryCode: body.categoryCode as string,
    lat: body.lat as number,
    lng: body.lng as number,
    coordSys: body.coordSys as ReportInput['coordSys'],
    description: (body.description as string).trim(),
    address: (body.address as string | undefined)?.trim() || undefined,
    reporter,
    anonymous: body.anonymous as boolean | undefined,
    channel: body.channel as Channel | undefined,
    attributes: attributes as Record<string, unknown> | undefined,
    deviceId: body.deviceId as string | undefined,
  };
}

/** Who a retried write belongs to: the token, the user, or the anonymous client (address and user agent). */
function callerKey(req: FastifyRequest): string {
  const c = req.caller;
  if (c.kind === 'user') return c.tokenId ? `token:${c.tokenId}` : `user:${c.userId}`;
  return `anon:${createHash('sha256').update(`${req.ip}|${req.headers['user-agent'] ?? ''}`).digest('hex').slice(0, 32)}`;
}

export function caseRoutes(ctx: AppContext) {
  return async (app: App) => {
    await app.register(multipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_PHOTOS, fields: 40, fieldSize: 8192, parts: 50 },
      throwFileSizeLimit: true,
    });

    app.post(
      '/api/reports',
      {
        bodyLimit: MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024,
        // Per client: an anonymous address, or the token of a sensor gateway (which may send ten times as much).
        config: {
          rateLimit: {
            max: (req: FastifyRequest) => (req.caller?.kind === 'user' && req.caller.tokenId ? 10 : 1) * ctx.config.reportRatePerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req: FastifyRequest) => callerKey(req),
          },
        },
        schema: {
          tags: ['cases'],
          summary:
            'Report a problem (public, API token with reports:write, or staff). JSON, or multipart with photos as file parts. ' +
            'Honours Idempotency-Key.',
          body: ReportBody,
          headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
          response: { 201: ReportResult, 200: ReportResult, ...errorResponses, 415: errorResponses[413] },
        },
      },
      async (req, reply) => {
        if (req.caller.kind === 'user' && req.caller.tokenId && !req.caller.capabilities?.includes('reports:write')) {
          throw new AppError('TOKEN_SCOPE_MISSING', { params: { scope: 'reports:write' } });
        }
        const body = req.body as Record<string, unknown>;
        const key = req.headers['idempotency-key'];
        const r = await ctx.cases.report(
          req.caller,
          reportInput(body),
          photosOf(body.photos),
          typeof key === 'string' ? { key, callerKey: callerKey(req) } : null,
        );
        return reply.status(r.status).send(r.body);
      },
    );

    app.get(
      '/api/reports/:trackingCode',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['cases'],
          summary: 'Status and public timeline of a report, by its tracking code (no personal data)',
          params: Type.Object({ trackingCode: Type.String({ minLength: 8, maxLength: 40 }) }),
        },
      },
      async (req) => {
        const locale = negotiateLocale(req.headers['accept-language']);
        const t = await ctx.cases.tracking(req.params.trackingCode);
        return {
          number: t.case.number,
          state: t.case.state,
          categoryCode: t.case.categoryCode,
          categoryName: t.category?.names[locale] ?? t.case.categoryCode,
          description: t.case.description,
          address: t.case.address,
          lat: t.case.lat,
          lng: t.case.lng,
          reportedAt: t.case.reportedAt.toISOString(),
          closedAt: t.case.closedAt?.toISOString() ?? null,
          deadlineAt: t.case.deadlineAt?.toISOString() ?? null,
          rating: t.case.rating,
          merged: t.case.primaryCaseId !== null,
          // A merged report follows the case it joined.
          mergedInto: t.primary,
          supporters: t.case.supporters,
          actions: t.actions,
          timeline: t.events.map((e) => ({ at: e.at.toISOString(), action: e.action, from: e.fromState, to: e.toState })),
          photos: t.photos.map((p) => ({ id: p.id, kind: p.kind, url: `/api/reports/${encodeURIComponent(req.params.trackingCode)}/photos/${p.id}` })),
        };
      },
    );

    app.get(
      '/api/reports/:trackingCode/photos/:id',
      {
        schema: {
          tags: ['cases'],
          summary: 'A photo of a report as the public sees it (metadata stripped)',
          params: Type.Object({ trackingCode: Type.String({ minLength: 8, maxLength: 40 }), id: Type.String({ maxLength: 64 }) }),
        },
      },
      async (req, reply) => {
        if (!isUuid(req.params.id)) throw new AppError('NOT_FOUND', { field: 'id' });
        const p = await ctx.cases.publicPhoto(req.params.trackingCode, req.params.id);
        if (!p) throw new AppError('NOT_FOUND', { field: 'id' });
        return reply.type(p.contentType).header('cache-control', 'private, max-age=3600').send(Buffer.from(p.data));
      },
    );

    app.post(
      '/api/reports/:trackingCode/actions/:action',
      {
        config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['cases'],
          summary: 'The reporter verifies (where the category allows) or rates, by tracking code',
          params: Type.Object({
            trackingCode: Type.String({ minLength: 8, maxLength: 40 }),
            action: Type.Union([Type.Literal('verify_pass'), Type.Literal('verify_fail'), Type.Literal('rate')]),
          }),
          body: ActionBody,
        },
      },
      async (req) => {
        const body = (req.body ?? {}) as ActionBodyT;
        const row = await ctx.cases.actByTracking(req.params.trackingCode, req.params.action, toActionInput(body), photosOf(body.photos));
        return { state: row.state, rating: row.rating };
      },
    );

    app.get(
      '/api/cases',
      {
        schema: {
          tags: ['cases'],
          summary: 'Cases in scope with filters and paging',
          querystring: Type.Object({
            state: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 13 })),
            category: Type.Optional(Type.String({ maxLength: 5 })),
            jurisdiction: Type.Optional(Type.String({ maxLength: 64 })),
            grid: Type.Optional(Type.String({ maxLength: 64 })),
            department: Type.Optional(Type.String({ maxLength: 64 })),
            channel: Type.Optional(Type.Union(CHANNELS.map((c) => Type.Literal(c)))),
            light: Type.Optional(Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red')])),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            triage: Type.Optional(Type.Boolean()),
            supervised: Type.Optional(Type.Boolean()),
            overdue: Type.Optional(Type.Boolean()),
            q: Type.Optional(Type.String({ maxLength: 100 })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(CaseSummary), total: Type.Integer(), next: Type.Union([Type.String(), Type.Null()]) }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        const q = req.query;
        for (const [field, v] of [['grid', q.grid], ['department', q.department], ['jurisdiction', q.jurisdiction]] as const) {
          if (v !== undefined && !isUuid(v)) return { items: [], total: 0, next: null, field };
        }
        const filters: CaseFilters = {
          states: q.state,
          category: q.category,
          jurisdictionPath: q.jurisdiction ? ctx.territory.pathOfOrNull(q.jurisdiction) ?? 'none' : undefined,
          gridId: q.grid,
          departmentId: departmentOnly(caller) ?? q.department,
          channel: q.channel,
          light: q.light,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          triage: q.triage,
          supervised: q.supervised,
          overdue: q.overdue,
          q: q.q,
          now: ctx.cases.now(),
        };
        const r = await ctx.db.run(caller, (trx) => listCases(trx, filters, q.limit, q.cursor));
        const locale = negotiateLocale(req.headers['accept-language']);
        return { items: r.items.map((row) => presentCase(ctx, row, locale)), total: r.total, next: r.next };
      },
    );

    app.get(
      '/api/cases/:id',
      {
        schema: {
          tags: ['cases'],
          summary: 'One case, with the actions the caller may take now',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        if (!isUuid(req.params.id)) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
        const locale = negotiateLocale(req.headers['accept-language']);
        const r = await ctx.cases.get(caller, req.params.id);
        const category = ctx.cases.reference().categories.get(r.row.categoryCode);
        return {
          ...presentCase(ctx, r.row, locale),
          category: category
            ? { code: category.code, name: category.names[locale], registerCondition: category.registerCondition[locale], closeCondition: category.closeCondition[locale], afterPhotoRequired: category.afterPhotoRequired, reporterMayVerify: category.reporterMayVerify }
            : null,
          reporter: ctx.cases.reporterView(r.row, false),
          requestedDeadline: r.row.requestedDeadline?.toISOString() ?? null,
          parkReviewDate: r.row.parkReviewDate,
          superviseDue: r.row.superviseDue,
          attributes: r.row.attributes,
          fixed: r.row.fixed,
          actions: r.actions,
          duplicateCandidates: r.candidates,
          clocks: r.clocks.map((c) => ({
            stage: c.stage,
            base: c.base,
            limitMinutes: c.limitMinutes,
            startedAt: c.startedAt.toISOString(),
            stoppedAt: c.stoppedAt?.toISOString() ?? null,
            deadlineAt: c.deadlineAt?.toISOString() ?? null,
            paused: c.pauses.some((p) => p.to === null),
            light: c.stoppedAt ? null : ctx.cases.trafficLightOfClock(c),
          })),
          attachments: r.attachments.map((a) => ({ id: a.id, kind: a.kind, contentType: a.contentType, bytes: a.bytes, url: `/api/cases/${r.row.id}/photos/${a.id}` })),
        };
      },
    );

    app.get(
      '/api/cases/:id/photos/:photoId',
      {
        schema: {
          tags: ['cases'],
          summary: 'A photo of a case, as uploaded (staff in scope)',
          params: Type.Object({ id: Type.String({ maxLength: 64 }), photoId: Type.String({ maxLength: 64 }) }),
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'cases.read');
        if (!isUuid(req.params.id) || !isUuid(req.params.photoId)) throw new AppError('NOT_FOUND', { field: 'photoId' });
        const p = await ctx.cases.staffPhoto(caller, req.params.id, req.params.photoId);
        if (!p) throw new AppError('NOT_FOUND', { field: 'photoId' });
        return reply.type(p.contentType).header('cache-control', 'private, max-age=3600').send(Buffer.from(p.data));
      },
    );

    app.post(
      '/api/cases/:id/reveal-reporter',
      {
        schema: {
          tags: ['cases'],
          summary: "Show the reporter's contact unmasked; the reason is written to the audit log",
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.reveal');
        if (!isUuid(req.params.id)) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
        return ctx.cases.revealReporter(caller, req.params.id, req.body.reason);
      },
    );

    app.post(
      '/api/cases/:id/actions/:action',
      {
        bodyLimit: MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024,
        schema: {
          tags: ['cases'],
          summary: 'Take an action on a case (the workflow table decides who may do what, when)',
          params: Type.Object({ id: Type.String({ maxLength: 64 }), action: Type.Union(CASE_ACTIONS.map((a) => Type.Literal(a))) }),
          body: Type.Optional(ActionBody),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.act');
        if (!isUuid(req.params.id)) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
        const body = (req.body ?? {}) as ActionBodyT;
        const row = await ctx.cases.act(caller, req.params.id, {
          action: req.params.action as CaseAction,
          input: toActionInput(body),
          photos: photosOf(body.photos),
          expectedVersion: body.version,
        });
        return presentCase(ctx, row, negotiateLocale(req.headers['accept-language']));
      },
    );

    app.get(
      '/api/cases/:id/timeline',
      {
        schema: { tags: ['cases'], summary: 'Every action on a case, in order', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        if (!isUuid(req.params.id)) throw new AppError('CASE_NOT_FOUND', { field: 'id' });
        const items = await ctx.cases.timeline(caller, req.params.id);
        return {
          items: items.map((e) => ({
            id: e.id,
            at: e.at.toISOString(),
            actor: e.actor,
            role: e.actorRole,
            action: e.action,
            from: e.fromState,
            to: e.toState,
            reason: e.reason,
            note: e.note,
            details: e.details,
          })),
        };
      },
    );

    app.get(
      '/api/inbox',
      {
        schema: {
          tags: ['cases'],
          summary: "The caller's work queues, most urgent first (one queue with `queue`, up to `limit` items each)",
          querystring: Type.Object({
            queue: Type.Optional(Type.String({ maxLength: 40 })),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          }),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        const locale = negotiateLocale(req.headers['accept-language']);
        const queues = await ctx.db.run(caller, (trx) => inbox(trx, caller, ctx.cases.now(), req.query));
        return { queues: queues.map((q) => ({ ...q, items: q.items.map((r) => presentCase(ctx, r, locale)) })) };
      },
    );

    app.get(
      '/api/stream',
      { schema: { tags: ['cases'], summary: 'Server-sent events: case.created, case.changed (within scope)' } },
      (req, reply) => {
        const caller = authorize(req.caller, 'cases.read');
        streamTo(ctx, caller, req, reply);
      },
    );

    app.get(
      '/api/categories',
      {
        schema: {
          tags: ['cases'],
          summary: 'The category tree (public): families → major classes → sub-categories',
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  code: Type.String(),
                  name: Type.String(),
                  names: NamesSchema,
                  children: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), names: NamesSchema, children: Type.Array(Type.Unknown()) }, { additionalProperties: true })),
                }),
              ),
            }),
          },
        },
      },
      async (req) => {
        const locale = negotiateLocale(req.headers['accept-language']);
        const FAMILY = {
          C: { 'zh-Hant': '部件', 'zh-Hans': '部件', en: 'Components' },
          E: { 'zh-Hant': '事件', 'zh-Hans': '事件', en: 'Events' },
        } as const;
        return {
          items: categoryTreeOf(ctx.cases.reference()).map((f) => ({
            code: f.code,
            name: FAMILY[f.code as 'C' | 'E'][locale],
            names: FAMILY[f.code as 'C' | 'E'],
            children: f.majors.map((m) => ({
              code: m.code,
              name: m.names[locale],
              names: m.names,
              children: m.children.map((c) => ({ ...c, name: c.names[locale], children: [] })),
            })),
          })),
        };
      },
    );
  };
}

/** Server-sent events, filtered to what the caller may see. */
function streamTo(ctx: AppContext, caller: UserCaller, req: FastifyRequest, reply: import('fastify').FastifyReply): void {
  const paths = scopePaths(caller);
  const dept = departmentOnly(caller);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const unsubscribe = ctx.bus.subscribe((e) => {
    const inScope = paths.some((p) => e.path === p || e.path.startsWith(`${p}.`));
    if (!inScope || (dept && e.departmentId !== dept)) return;
    res.write(`event: ${e.type}\ndata: ${JSON.stringify({ caseId: e.caseId, number: e.number, state: e.state, action: e.action, at: e.at })}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), 25_000);
  req.raw.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
