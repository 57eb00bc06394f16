import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { UserCaller } from '../../../db/caller.ts';
import { calendarFromHolidayFile, WorkingCalendar } from '../../../domain/calendar.ts';
import { type Category, DEPARTMENT_KINDS } from '../../../domain/categories.ts';
import { isUuid, newId } from '../../../domain/ids.ts';
import type { App, AppContext } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import { recordAudit } from '../audit/service.ts';
import { importHolidayYears, updateCategory } from './reference.ts';

const Minutes = Type.Integer({ minimum: 1, maximum: 525_600 });
const Text3 = Type.Object({ 'zh-Hant': Type.String({ minLength: 1, maxLength: 500 }), 'zh-Hans': Type.String({ minLength: 1, maxLength: 500 }), en: Type.String({ minLength: 1, maxLength: 500 }) });

const CategoryBody = Type.Object(
  {
    names: Text3,
    registerCondition: Text3,
    closeCondition: Text3,
    defaultDepartmentKind: Type.Union(DEPARTMENT_KINDS.map((k) => Type.Literal(k))),
    timeBase: Type.Union([Type.Literal('working'), Type.Literal('natural')]),
    limits: Type.Object({
      accept: Minutes,
      confirm: Minutes,
      register: Minutes,
      dispatch: Minutes,
      handle: Type.Object({ urgent: Minutes, high: Minutes, normal: Minutes }),
      verify: Minutes,
    }),
    duplicateRadiusM: Type.Integer({ minimum: 0, maximum: 10_000 }),
    duplicateWindowMinutes: Type.Integer({ minimum: 0, maximum: 525_600 }),
    reporterMayVerify: Type.Boolean(),
    afterPhotoRequired: Type.Boolean(),
    caseType: Type.Union([Type.Literal('immediate'), Type.Literal('committed'), Type.Literal('coordinated')]),
    attributes: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const HourRange = Type.Tuple([Type.String({ pattern: '^\\d{2}:\\d{2}$' }), Type.String({ pattern: '^\\d{2}:\\d{2}$' })]);

/** Admin pages of the closed loop: categories, routing rules, the working calendar; and the departments list. */
export function caseAdminRoutes(ctx: AppContext) {
  return async (app: App) => {
    app.get(
      '/api/departments',
      {
        schema: {
          tags: ['cases'],
          summary: 'Departments (處置單位) serving the caller’s area',
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), kind: Type.String(), name: Type.String(), names: NamesSchema, jurisdictionId: Type.String() })),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        const locale = negotiateLocale(req.headers['accept-language']);
        const rows = await ctx.db.run(caller, async (trx) =>
          (await sql<{ id: string; code: string; kind: string; nameZhHant: string; nameZhHans: string; nameEn: string; jurisdictionId: string }>`
            select id, code, kind, name_zh_hant as "nameZhHant", name_zh_hans as "nameZhHans", name_en as "nameEn",
              jurisdiction_id as "jurisdictionId" from department order by path, code`.execute(trx)).rows,
        );
        return {
          items: rows.map((r) => {
            const names = { 'zh-Hant': r.nameZhHant, 'zh-Hans': r.nameZhHans, en: r.nameEn };
            return { id: r.id, code: r.code, kind: r.kind, name: names[locale], names, jurisdictionId: r.jurisdictionId };
          }),
        };
      },
    );

    app.get(
      '/api/categories/:code',
      { schema: { tags: ['cases'], summary: 'One sub-category with its rules (public)', params: Type.Object({ code: Type.String({ pattern: '^[CE][0-9]{4}$' }) }) } },
      async (req) => {
        const c = ctx.cases.category(req.params.code, 'code');
        return c;
      },
    );

    app.put(
      '/api/categories/:code',
      {
        schema: {
          tags: ['cases'],
          summary: 'Edit a sub-category’s names, conditions, limits and flags (admin)',
          params: Type.Object({ code: Type.String({ pattern: '^[CE][0-9]{4}$' }) }),
          body: CategoryBody,
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'categories.manage');
        const current = ctx.cases.category(req.params.code, 'code');
        const b = req.body as Omit<Category, 'code' | 'type' | 'majorCode'>;
        for (const [k, v] of Object.entries(b.limits)) {
          if (k !== 'handle' && typeof v === 'number' && v <= 0) throw new AppError('INVALID_INPUT', { field: `limits.${k}`, params: { field: `limits.${k}` } });
        }
        const next: Category = { ...current, ...b, code: current.code, type: current.type, majorCode: current.majorCode };
        await ctx.db.run(caller, async (trx) => {
          await updateCategory(trx, current.code, next);
          await recordAudit(trx, { action: 'category.update', objectType: 'category', objectId: current.code });
        });
        await ctx.cases.reload();
        return ctx.cases.category(current.code, 'code');
      },
    );

    app.get(
      '/api/routing-rules',
      { schema: { tags: ['cases'], summary: 'Routing rules in scope: category × subtree → department (most specific wins)' } },
      async (req) => {
        const caller = authorize(req.caller, 'cases.read');
        const locale = negotiateLocale(req.headers['accept-language']);
        const rows = await ctx.db.run(caller, async (trx) =>
          (await sql<{ id: string; categoryCode: string | null; jurisdictionId: string; jz: string; js: string; je: string; departmentId: string; dz: string; ds: string; de: string }>`
            select r.id, r.category_code as "categoryCode", r.jurisdiction_id as "jurisdictionId", j.name_zh_hant as jz,
              j.name_zh_hans as js, j.name_en as je, r.department_id as "departmentId", d.name_zh_hant as dz, d.name_zh_hans as ds, d.name_en as de
            from routing_rule r join jurisdiction j on j.id = r.jurisdiction_id join department d on d.id = r.department_id
            order by r.path, r.category_code nulls last`.execute(trx)).rows,
        );
        const pick = (z: string, s: string, e: string) => ({ 'zh-Hant': z, 'zh-Hans': s, en: e })[locale];
        return {
          items: rows.map((r) => ({
            id: r.id,
            categoryCode: r.categoryCode,
            jurisdictionId: r.jurisdictionId,
            jurisdictionName: pick(r.jz, r.js, r.je),
            departmentId: r.departmentId,
            departmentName: pick(r.dz, r.ds, r.de),
          })),
        };
      },
    );

    app.post(
      '/api/routing-rules',
      {
        schema: {
          tags: ['cases'],
          summary: 'Add a routing rule (admin)',
          body: Type.Object({
            categoryCode: Type.Optional(Type.Union([Type.String({ pattern: '^[CE][0-9]{4}$' }), Type.Null()])),
            jurisdictionId: Type.String({ maxLength: 64 }),
            departmentId: Type.String({ maxLength: 64 }),
          }),
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'categories.manage');
        const { categoryCode, jurisdictionId, departmentId } = req.body;
        if (categoryCode) ctx.cases.category(categoryCode);
        if (!isUuid(jurisdictionId)) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdictionId' });
        if (!isUuid(departmentId)) throw new AppError('UNKNOWN_DEPARTMENT', { field: 'departmentId' });
        const id = newId();
        await ctx.db.run(caller, async (trx) => {
          const { rows: j } = await sql<{ path: string }>`select path::text as path from jurisdiction
            where id = ${jurisdictionId} and valid_to is null and path <@ gridloop_scope()`.execute(trx);
          if (!j[0]) throw new AppError('JURISDICTION_NOT_FOUND', { field: 'jurisdictionId' });
          const { rows: d } = await sql<{ id: string }>`select id from department where id = ${departmentId}`.execute(trx);
          if (!d[0]) throw new AppError('UNKNOWN_DEPARTMENT', { field: 'departmentId' });
          await sql`insert into routing_rule (id, category_code, jurisdiction_id, path, department_id)
            values (${id}, ${categoryCode ?? null}, ${jurisdictionId}, ${j[0].path}::ltree, ${departmentId})`.execute(trx);
          await recordAudit(trx, { action: 'routing_rule.create', objectType: 'routing_rule', objectId: id, jurisdictionId, jurisdictionPath: j[0].path });
        });
        return reply.status(201).send({ id });
      },
    );

    app.delete(
      '/api/routing-rules/:id',
      { schema: { tags: ['cases'], summary: 'Remove a routing rule (admin)', params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
      async (req, reply) => {
        const caller = authorize(req.caller, 'categories.manage');
        if (!isUuid(req.params.id)) throw new AppError('NOT_FOUND', { field: 'id' });
        await ctx.db.run(caller, async (trx) => {
          const { rows } = await sql<{ id: string }>`delete from routing_rule where id = ${req.params.id} returning id`.execute(trx);
          if (!rows[0]) throw new AppError('NOT_FOUND', { field: 'id' });
          await recordAudit(trx, { action: 'routing_rule.delete', objectType: 'routing_rule', objectId: req.params.id });
        });
        return reply.status(204).send(null);
      },
    );

    app.get('/api/calendar', { schema: { tags: ['cases'], summary: 'The working calendar: hours, holidays and make-up days per year' } }, async (req) => {
      authorize(req.caller, 'cases.read');
      return calendarView(ctx);
    });

    app.put(
      '/api/calendar/years/:year',
      {
        schema: {
          tags: ['cases'],
          summary: 'Set a year’s public holidays and make-up working days (admin)',
          params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
          body: Type.Object({ holidays: Type.Array(Day, { maxItems: 60 }), workdays: Type.Array(Day, { maxItems: 30 }) }),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'categories.manage');
        const { year } = req.params;
        const { holidays, workdays } = req.body;
        const wrong = [...holidays, ...workdays].find((d) => !d.startsWith(`${year}-`) || Number.isNaN(Date.parse(d)));
        if (wrong) throw new AppError('INVALID_INPUT', { field: holidays.includes(wrong) ? 'holidays' : 'workdays', params: { field: 'holidays' } });
        if (holidays.some((d) => workdays.includes(d))) throw new AppError('INVALID_INPUT', { field: 'workdays', params: { field: 'workdays' } });
        await ctx.db.run(caller, (trx) =>
          importHolidayYears(trx, calendarFromHolidayFile({ years: { [year]: { holidays: { edited: holidays }, workdays } } }, ctx.config.timezone), `edited by ${caller.username}`),
        );
        await ctx.cases.reload();
        return calendarView(ctx);
      },
    );

    app.put(
      '/api/calendar/working-hours',
      {
        schema: {
          tags: ['cases'],
          summary: 'Set the daily working hours (admin)',
          body: Type.Object({ workingHours: Type.Array(HourRange, { minItems: 1, maxItems: 4 }) }),
        },
      },
      async (req) => {
        const caller: UserCaller = authorize(req.caller, 'categories.manage');
        const hours = req.body.workingHours as Array<[string, string]>;
        try {
          new WorkingCalendar({ timezone: ctx.config.timezone, workingHours: hours, holidays: [], workdays: [], years: [] });
        } catch {
          throw new AppError('INVALID_INPUT', { field: 'workingHours', params: { field: 'workingHours' } });
        }
        await ctx.db.run(caller, async (trx) => {
          await sql`update calendar_setting set working_hours = ${JSON.stringify(hours)}::jsonb`.execute(trx);
          await recordAudit(trx, { action: 'calendar.working_hours', details: { periods: hours.length } });
        });
        await ctx.cases.reload();
        return calendarView(ctx);
      },
    );
  };
}

async function calendarView(ctx: AppContext) {
  const rows = await ctx.db.run({ kind: 'system', job: 'calendar-read' }, async (trx) =>
    (await sql<{ year: number; holidays: string[]; workdays: string[]; source: string | null }>`
      select year, array(select to_char(d, 'YYYY-MM-DD') from unnest(holidays) d order by d) as holidays,
        array(select to_char(d, 'YYYY-MM-DD') from unnest(workdays) d order by d) as workdays, source
      from calendar_year order by year`.execute(trx)).rows,
  );
  const { rows: hours } = await ctx.db.run({ kind: 'system', job: 'calendar-read' }, (trx) =>
    sql<{ workingHours: Array<[string, string]> }>`select working_hours as "workingHours" from calendar_setting`.execute(trx),
  );
  const thisYear = Number(new Intl.DateTimeFormat('en-CA', { timeZone: ctx.config.timezone, year: 'numeric' }).format(ctx.cases.now()));
  const have = new Set(rows.map((r) => r.year));
  return {
    timezone: ctx.config.timezone,
    workingHours: hours[0]?.workingHours ?? [],
    years: rows,
    // A year with no official data counts weekends only: the admin page warns about it.
    missingYears: [thisYear, thisYear + 1].filter((y) => !have.has(y)),
  };
}
