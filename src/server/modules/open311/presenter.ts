import type { AttributeDatatype, Category, CategoryAttribute } from '../../../domain/categories.ts';
import { WORKING_DAY_MINUTES } from '../../../domain/categories.ts';
import { LOCALES, type Locale, negotiateLocale } from '../../i18n.ts';
import type { ReferenceData } from '../cases/reference.ts';
import { CLOSED_STATES, type NoteRow, type RequestRow } from './store.ts';

/**
 * The language of names and notices: an explicit `locale` parameter, else Accept-Language, else Simplified Chinese,
 * the language of the city this endpoint serves (Gridloop's own API falls back to English instead).
 */
export function open311Locale(query: unknown, acceptLanguage: string | undefined): Locale {
  const asked = (query as { locale?: unknown } | null | undefined)?.locale;
  if (typeof asked === 'string' && (LOCALES as readonly string[]).includes(asked)) return asked as Locale;
  return acceptLanguage ? negotiateLocale(acceptLanguage) : 'zh-Hans';
}

export interface Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string | null;
}

/** The names in the other languages and the major class: what a client's search box should also match. */
function keywordsOf(c: Category, group: string | null, locale: Locale): string {
  const words = [...LOCALES.filter((l) => l !== locale).map((l) => c.names[l]), group ?? ''];
  return [...new Set(words.map((w) => w.trim()).filter((w) => w && w !== c.names[locale]))].join(', ');
}

function groupNameOf(ref: ReferenceData, c: Category, locale: Locale): string | null {
  const m = ref.majors.find((x) => x.code === c.majorCode);
  if (!m) return null;
  return locale === 'en' ? m.nameEn : locale === 'zh-Hant' ? m.nameZhHant : m.nameZhHans;
}

export function presentServices(ref: ReferenceData, locale: Locale): Service[] {
  return [...ref.categories.values()]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((c) => {
      const group = groupNameOf(ref, c, locale);
      return {
        service_code: c.code,
        service_name: c.names[locale],
        // What makes a report of this kind acceptable: the closest thing Gridloop has to a service description.
        description: c.registerCondition[locale],
        metadata: (c.attributes?.length ?? 0) > 0,
        type: 'realtime' as const,
        keywords: keywordsOf(c, group, locale),
        group,
      };
    });
}

const DATATYPE_TEXT: Record<AttributeDatatype, Record<Locale, string>> = {
  string: { en: 'A short text', 'zh-Hans': '简短文字', 'zh-Hant': '簡短文字' },
  number: { en: 'A number', 'zh-Hans': '数字', 'zh-Hant': '數字' },
  datetime: {
    en: 'A date and time in ISO 8601 with a time zone, e.g. 2026-11-26T14:30:00+08:00',
    'zh-Hans': 'ISO 8601 日期时间（含时区），例如 2026-11-26T14:30:00+08:00',
    'zh-Hant': 'ISO 8601 日期時間（含時區），例如 2026-11-26T14:30:00+08:00',
  },
  text: { en: 'Free text', 'zh-Hans': '文字说明', 'zh-Hant': '文字說明' },
  singlevaluelist: {
    en: 'One key from the values',
    'zh-Hans': '从 values 中选一个 key',
    'zh-Hant': '從 values 中選一個 key',
  },
  multivaluelist: {
    en: 'One or more keys from the values (repeat attribute[code][])',
    'zh-Hans': '从 values 中选一个或多个 key（重复 attribute[code][]）',
    'zh-Hant': '從 values 中選一個或多個 key（重複 attribute[code][]）',
  },
};

export interface ServiceAttribute {
  variable: boolean;
  code: string;
  datatype: AttributeDatatype;
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
}

export function presentDefinition(c: Category, locale: Locale): { service_code: string; attributes: ServiceAttribute[] } {
  return {
    service_code: c.code,
    attributes: (c.attributes ?? []).map((a: CategoryAttribute, i) => {
      const out: ServiceAttribute = {
        // Every Gridloop attribute asks the reporter for input; none is a display-only notice.
        variable: true,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: DATATYPE_TEXT[a.datatype][locale],
        order: i + 1,
        description: a.description[locale],
      };
      if (a.values) out.values = a.values.map((v) => ({ key: v.key, name: v.names[locale] }));
      return out;
    }),
  };
}

const UNITS: Record<'working' | 'natural', Record<Locale, [day: string, hour: string, minute: string]>> = {
  working: {
    en: ['working day', 'working hour', 'working minute'],
    'zh-Hans': ['个工作日', '个工作小时', '个工作分钟'],
    'zh-Hant': ['個工作日', '個工作小時', '個工作分鐘'],
  },
  natural: {
    en: ['day', 'hour', 'minute'],
    'zh-Hans': ['天', '小时', '分钟'],
    'zh-Hant': ['天', '小時', '分鐘'],
  },
};

/** "1 working day", "4 hours": a limit in the largest whole unit of its time base. */
export function limitText(minutes: number, base: 'working' | 'natural', locale: Locale): string {
  const [day, hour, minute] = UNITS[base][locale];
  const dayLength = base === 'working' ? WORKING_DAY_MINUTES : 24 * 60;
  const [n, unit] = minutes % dayLength === 0 ? [minutes / dayLength, day] : minutes % 60 === 0 ? [minutes / 60, hour] : [minutes, minute];
  if (locale !== 'en') return `${n}${unit}`;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** What the city commits to for this kind of request: the handling limit of a normal-priority case. */
export function serviceNotice(c: Category, locale: Locale): string {
  const limit = limitText(c.limits.handle.normal, c.timeBase, locale);
  if (locale === 'en') return `To be handled within ${limit} of dispatch, once the report is confirmed on site.`;
  if (locale === 'zh-Hant') return `經現場核實並派遣後，於${limit}內處置。`;
  return `经现场核实并派遣后，于${limit}内处置。`;
}

export function isClosedState(state: string): boolean {
  return (CLOSED_STATES as readonly string[]).includes(state);
}

export interface Note {
  datetime: string;
  type: 'activity';
  summary: string;
  description: string;
}

export interface ServiceRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string | null;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: null;
  lat: number;
  long: number;
  media_url: string | null;
  notes?: Note[];
}

/**
 * One case as a GeoReport request. Only columns of the public views come in, so reporter contact and staff names
 * cannot come out. `status_notes` starts with Gridloop's state name (stable, for clients to branch on); a merged
 * request adds the number of the request it joined.
 */
export function presentRequest(
  ref: ReferenceData,
  row: RequestRow,
  locale: Locale,
  mediaUrl: (photoId: string) => string,
  notes?: NoteRow[],
): ServiceRequest {
  const category = ref.categories.get(row.categoryCode);
  const closed = isClosedState(row.state);
  const out: ServiceRequest = {
    service_request_id: row.number,
    status: closed ? 'closed' : 'open',
    status_notes: row.state === 'merged' && row.primaryNumber ? `merged (${row.primaryNumber})` : row.state,
    service_name: category?.names[locale] ?? null,
    service_code: row.categoryCode,
    description: row.description,
    agency_responsible: row.agency?.[locale] ?? null,
    service_notice: category && !closed ? serviceNotice(category, locale) : null,
    requested_datetime: row.reportedAt.toISOString(),
    // GeoReport: for a closed request, the time it was closed (a later rating does not move it).
    updated_datetime: (row.state === 'closed' && row.closedAt ? row.closedAt : row.updatedAt).toISOString(),
    expected_datetime: row.deadlineAt?.toISOString() ?? null,
    address: row.address,
    address_id: null,
    lat: row.lat,
    long: row.lng,
    media_url: row.photoId ? mediaUrl(row.photoId) : null,
  };
  if (notes) {
    out.notes = notes.map((n) => ({
      datetime: n.at.toISOString(),
      type: 'activity' as const,
      summary: n.action,
      description: n.fromState ? `${n.fromState} → ${n.toState ?? n.fromState}` : (n.toState ?? ''),
    }));
  }
  return out;
}
