import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { systemCaller } from '../../../db/caller.ts';
import type { Database, Tx } from '../../../db/database.ts';
import { type CalendarData, calendarFromHolidayFile, DEFAULT_WORKING_HOURS, WorkingCalendar } from '../../../domain/calendar.ts';
import { CATEGORIES, type Category, MAJOR_CLASSES } from '../../../domain/categories.ts';
import { recordAudit } from '../audit/service.ts';

const HOLIDAYS_FILE = fileURLToPath(new URL('../../../db/data/cn-holidays.json', import.meta.url));

type Definition = Omit<Category, 'code' | 'type' | 'majorCode' | 'names'>;

function definitionOf(c: Category): Definition {
  const { code: _c, type: _t, majorCode: _m, names: _n, ...rest } = c;
  return rest;
}

interface CategoryRow {
  code: string;
  parentCode: string | null;
  type: 'component' | 'event';
  nameZhHant: string;
  nameZhHans: string;
  nameEn: string;
  definition: Definition | null;
  active: boolean;
}

function toCategory(r: CategoryRow): Category | null {
  if (!r.definition || !r.parentCode) return null;
  return {
    code: r.code,
    type: r.type,
    majorCode: r.parentCode,
    names: { 'zh-Hant': r.nameZhHant, 'zh-Hans': r.nameZhHans, en: r.nameEn },
    ...r.definition,
  };
}

/**
 * Seeds the reference data an empty database needs: the GB/T 30428.2 categories and the official holiday schedules.
 * Idempotent: rows that exist are left as the admins edited them.
 */
export async function ensureReferenceData(db: Database): Promise<void> {
  await db.run(systemCaller('reference-data'), async (trx) => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from category`.execute(trx);
    if ((rows[0]?.n ?? 0) === 0) {
      for (const m of MAJOR_CLASSES) {
        await sql`insert into category (code, parent_code, type, name_zh_hant, name_zh_hans, name_en)
          values (${m.code}, null, ${m.type}, ${m.names['zh-Hant']}, ${m.names['zh-Hans']}, ${m.names.en})`.execute(trx);
      }
      for (const c of CATEGORIES) {
        await sql`insert into category (code, parent_code, type, name_zh_hant, name_zh_hans, name_en, definition)
          values (${c.code}, ${c.majorCode}, ${c.type}, ${c.names['zh-Hant']}, ${c.names['zh-Hans']}, ${c.names.en},
            ${JSON.stringify(definitionOf(c))}::jsonb)`.execute(trx);
      }
      await recordAudit(trx, { action: 'category.seed', details: { categories: CATEGORIES.length } });
    }
    const { rows: cal } = await sql<{ n: number }>`select count(*)::int as n from calendar_year`.execute(trx);
    if ((cal[0]?.n ?? 0) === 0) {
      const data = calendarFromHolidayFile(JSON.parse(readFileSync(HOLIDAYS_FILE, 'utf8')));
      await importHolidayYears(trx, data, 'State Council notices (bundled)');
    }
    await sql`insert into calendar_setting (id, working_hours) values (true, ${JSON.stringify(DEFAULT_WORKING_HOURS)}::jsonb)
      on conflict (id) do nothing`.execute(trx);
  });
}

export async function importHolidayYears(trx: Tx, data: CalendarData, source: string): Promise<number[]> {
  for (const year of data.years) {
    const holidays = data.holidays.filter((d) => d.startsWith(`${year}-`));
    const workdays = data.workdays.filter((d) => d.startsWith(`${year}-`));
    await sql`insert into calendar_year (year, holidays, workdays, source) values (${year}, ${holidays}::date[], ${workdays}::date[], ${source})
      on conflict (year) do update set holidays = excluded.holidays, workdays = excluded.workdays, source = excluded.source,
        updated_at = now()`.execute(trx);
  }
  await recordAudit(trx, { action: 'calendar.import', details: { years: data.years } });
  return data.years;
}

export interface ReferenceData {
  categories: Map<string, Category>;
  majors: CategoryRow[];
  calendar: WorkingCalendar;
  calendarYears: number[];
}

export async function loadReferenceData(trx: Tx, timezone: string): Promise<ReferenceData> {
  const { rows } = await sql<CategoryRow>`select code, parent_code as "parentCode", type, name_zh_hant as "nameZhHant",
      name_zh_hans as "nameZhHans", name_en as "nameEn", definition, active from public_category order by code`.execute(trx);
  const categories = new Map<string, Category>();
  for (const r of rows) {
    const c = toCategory(r);
    if (c && r.active) categories.set(c.code, c);
  }
  const { rows: years } = await sql<{ year: number; holidays: string[]; workdays: string[] }>`
    select year, array(select to_char(d, 'YYYY-MM-DD') from unnest(holidays) d) as holidays,
      array(select to_char(d, 'YYYY-MM-DD') from unnest(workdays) d) as workdays from calendar_year order by year`.execute(trx);
  const { rows: setting } = await sql<{ workingHours: Array<[string, string]> }>`
    select working_hours as "workingHours" from calendar_setting`.execute(trx);
  const calendar = new WorkingCalendar({
    timezone,
    workingHours: setting[0]?.workingHours ?? DEFAULT_WORKING_HOURS.map((h) => [h[0], h[1]] as [string, string]),
    holidays: years.flatMap((y) => y.holidays),
    workdays: years.flatMap((y) => y.workdays),
    years: years.map((y) => y.year),
  });
  return { categories, majors: rows.filter((r) => !r.parentCode), calendar, calendarYears: years.map((y) => y.year) };
}

export function categoryTreeOf(ref: ReferenceData) {
  const families = [
    { code: 'C', type: 'component' as const },
    { code: 'E', type: 'event' as const },
  ];
  return families.map((f) => ({
    code: f.code,
    type: f.type,
    majors: ref.majors
      .filter((m) => m.type === f.type)
      .map((m) => ({
        code: m.code,
        names: { 'zh-Hant': m.nameZhHant, 'zh-Hans': m.nameZhHans, en: m.nameEn },
        children: [...ref.categories.values()].filter((c) => c.majorCode === m.code),
      })),
  }));
}

export async function updateCategory(trx: Tx, code: string, c: Category): Promise<boolean> {
  const { rows } = await sql<{ code: string }>`update category set name_zh_hant = ${c.names['zh-Hant']},
      name_zh_hans = ${c.names['zh-Hans']}, name_en = ${c.names.en}, definition = ${JSON.stringify(definitionOf(c))}::jsonb,
      updated_at = now()
    where code = ${code} and parent_code is not null returning code`.execute(trx);
  return rows.length > 0;
}
