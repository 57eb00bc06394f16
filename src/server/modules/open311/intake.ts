import type { Category } from '../../../domain/categories.ts';
import type { Locale } from '../../i18n.ts';
import type { ReportInput } from '../cases/service.ts';
import { open311Error } from './errors.ts';

/** A form or JSON body after `normalizeBody`: attributes gathered under `attribute`, empty fields dropped. */
export interface PostFields {
  api_key?: string;
  jurisdiction_id?: string;
  service_code: string;
  lat?: number;
  long?: number;
  address_string?: string;
  address_id?: string;
  email?: string;
  device_id?: string;
  account_id?: string;
  first_name?: string;
  last_name?: string;
  phone?: string;
  description?: string;
  media_url?: string;
  attribute?: Record<string, string | number | Array<string | number>>;
}

type AttributeValue = string | number | Array<string | number>;

/** application/x-www-form-urlencoded → fields; a repeated name becomes a list (multivaluelist attributes). */
export function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const ATTRIBUTE_KEY = /^attribute\[([^\]]{1,64})\](\[\])?$/;

/**
 * GeoReport clients send attributes as `attribute[CODE]=value` (and `attribute[CODE][]=a&attribute[CODE][]=b` for
 * lists); JSON clients may send an `attribute` object instead. Both end up in one `attribute` map. Empty fields are
 * dropped, because HTML forms send every input, filled or not, and `email=` must not fail as a bad address.
 */
export function normalizeBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  const out: Record<string, unknown> = {};
  const attribute: Record<string, unknown> = {};
  const given = (body as Record<string, unknown>).attribute;
  if (given !== undefined && given !== null && typeof given === 'object' && !Array.isArray(given)) {
    Object.assign(attribute, given);
  } else if (given !== undefined && given !== '') {
    out.attribute = given;
  }
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === 'attribute' || v === '' || v === null || v === undefined) continue;
    const m = ATTRIBUTE_KEY.exec(k);
    if (m) {
      const code = m[1]!;
      const list = Array.isArray(v) ? v : [v];
      const prev = attribute[code];
      attribute[code] = m[2] || prev !== undefined ? [...(Array.isArray(prev) ? prev : prev === undefined ? [] : [prev]), ...list] : v;
      continue;
    }
    out[k] = v;
  }
  for (const [k, v] of Object.entries(attribute)) if (v === '' || v === null) delete attribute[k];
  if (Object.keys(attribute).length > 0 && out.attribute === undefined) out.attribute = attribute;
  return out;
}

function asList(v: AttributeValue): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => String(x).trim()).filter((x) => x !== '');
}

/**
 * Checks the attributes against the service definition and converts them to what Gridloop stores: numbers as
 * numbers, datetimes as ISO strings, list answers as keys. Unknown codes are refused rather than kept, so that a
 * client's typo surfaces at once instead of as a silently missing answer.
 */
export function attributesFor(category: Category, given: PostFields['attribute'], locale: Locale): Record<string, unknown> | undefined {
  const defs = category.attributes ?? [];
  const input = given ?? {};
  for (const code of Object.keys(input)) {
    if (!defs.some((d) => d.code === code)) throw open311Error(400, 'ATTRIBUTE_UNKNOWN', locale, { code, service: category.code });
  }
  const out: Record<string, unknown> = {};
  for (const d of defs) {
    const raw = input[d.code];
    const values = raw === undefined ? [] : asList(raw);
    if (values.length === 0) {
      if (d.required) throw open311Error(400, 'ATTRIBUTE_REQUIRED', locale, { code: d.code, service: category.code });
      continue;
    }
    const bad = () => open311Error(400, 'ATTRIBUTE_INVALID', locale, { code: d.code, datatype: d.datatype });
    const keys = new Set((d.values ?? []).map((v) => v.key));
    switch (d.datatype) {
      case 'multivaluelist':
        if (!values.every((v) => keys.has(v))) throw bad();
        out[d.code] = [...new Set(values)];
        break;
      case 'singlevaluelist':
        if (values.length !== 1 || !keys.has(values[0]!)) throw bad();
        out[d.code] = values[0];
        break;
      case 'number': {
        const n = Number(values[0]);
        if (values.length !== 1 || !/^-?\d+(\.\d+)?$/.test(values[0]!) || !Number.isFinite(n)) throw bad();
        out[d.code] = n;
        break;
      }
      case 'datetime': {
        // An offset is required: without one the time would be read in the server's zone, which is nobody's.
        const t = Date.parse(values[0]!);
        if (values.length !== 1 || !/(Z|[+-]\d{2}:?\d{2})$/i.test(values[0]!) || Number.isNaN(t)) throw bad();
        out[d.code] = new Date(t).toISOString();
        break;
      }
      default:
        if (values.length !== 1) throw bad();
        if (values[0]!.length > (d.datatype === 'text' ? 2000 : 200)) throw bad();
        out[d.code] = values[0];
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Chinese names are family name first and unspaced; others given name first. */
function fullName(first: string | undefined, last: string | undefined): string | undefined {
  const f = first?.trim() ?? '';
  const l = last?.trim() ?? '';
  if (!f && !l) return undefined;
  if (/[\u3400-\u9fff]/.test(f + l)) return `${l}${f}`;
  return [f, l].filter(Boolean).join(' ');
}

/** A GeoReport POST as a Gridloop report through the `api` channel. */
export function reportInputOf(fields: PostFields, category: Category, locale: Locale): ReportInput {
  if (fields.lat === undefined || fields.long === undefined) throw open311Error(400, 'LOCATION_REQUIRED', locale);
  const attributes = attributesFor(category, fields.attribute, locale);
  const name = fullName(fields.first_name, fields.last_name);
  const reporter = { name, phone: fields.phone?.trim() || undefined, email: fields.email?.trim() || undefined };
  const anonymous = !reporter.name && !reporter.phone && !reporter.email;
  // GeoReport has no required description; the service name stands in, since a Gridloop case always has one.
  let description = fields.description?.trim() || category.names[locale];
  // A link to the client's own copy of a photo: kept in the description so that staff can follow it.
  if (fields.media_url) description = `${description}\n${fields.media_url}`.slice(0, 2000);
  return {
    categoryCode: category.code,
    lat: fields.lat,
    lng: fields.long,
    coordSys: 'wgs84',
    description,
    address: fields.address_string?.trim() || undefined,
    reporter: anonymous ? undefined : reporter,
    anonymous,
    channel: 'api',
    attributes,
    // Repeats from one device merge by themselves; an account stands in for a device the client did not name.
    deviceId: fields.device_id ?? (fields.account_id ? `account:${fields.account_id}` : undefined),
  };
}
