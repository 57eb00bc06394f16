import fc from 'fast-check';
import { TINY_JPEG } from '../../testing/uploads.ts';
import type { Fixture, PrincipalName } from './fixture.ts';
import { BAD_BYTES, DEEP_JSON_TEXT, hostileText, hostileValue, MEGABYTE_STRING, RAW_PATH_JUNK, unraw } from './hostile.ts';
import { pathParams, type RouteInfo } from './route-table.ts';

/** One generated request, kept printable so that a failure can be read and replayed. */
export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  principal: PrincipalName;
  remoteAddress: string;
  /** How the body was made (shaped JSON, hostile JSON, bad bytes, wrong type, multipart, none). */
  body: string;
}

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema | Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  patternProperties?: Record<string, Schema>;
}

/** Values from the fixture: ids and codes of both scopes, so that generated requests name real objects. */
export interface Pools {
  ids: string[];
  codes: string[];
  trackingCodes: string[];
  texts: string[];
  usernames: string[];
  points: Array<{ lat: number; lng: number }>;
}

export function poolsOf(fx: Fixture): Pools {
  const ownTokens = new Set(fx.principals.map((p) => p.tokenId));
  const ids: string[] = [fx.departmentId, '01a2188e-0000-7000-8000-000000000000'];
  const texts: string[] = [];
  for (const s of [fx.A, fx.B]) {
    ids.push(s.communityId, s.gridId, s.caseId, s.photoId, s.personId, s.householdId, s.buildingId, s.placeId, s.componentId, s.importId, s.routingRuleId, s.adminUserId);
    if (!ownTokens.has(s.tokenId)) ids.push(s.tokenId);
    texts.push(s.personName, s.idNumber, s.phone, s.buildingAddress, s.caseNumber, s.caseDescription, s.communityName, s.componentCode.slice(0, 10));
  }
  return {
    ids,
    codes: ['E0102', 'C0101', 'E9999', fx.A.communityCode, fx.B.gridCode, fx.A.componentCode, fx.departmentCode, '110101'],
    trackingCodes: [fx.A.trackingCode, fx.B.trackingCode, 'AAAA-BBBB-CCCC-DDDD', fx.A.caseNumber],
    texts,
    usernames: ['leader', 'secb_admin', 'nobody', 'ADMIN'],
    points: [fx.A.point, fx.B.point, { lat: 22.5, lng: 114.1 }, { lat: 90, lng: 180 }, { lat: 0, lng: 0 }],
  };
}

const asArray = (t: Schema['type']) => (t === undefined ? [] : Array.isArray(t) ? t : [t]);

/** A value that tends to pass the schema (so that the handler runs), with the fixture's ids and codes where they fit. */
function plausible(schema: Schema, name: string, pools: Pools, depth = 0): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((b) => plausible(b, name, pools, depth)));
  if (schema.allOf) {
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf) {
      Object.assign(merged.properties!, part.properties ?? {});
      merged.required!.push(...(part.required ?? []));
    }
    return plausible(merged, name, pools, depth);
  }
  const types = asArray(schema.type);
  const type = types[0];
  const lower = name.toLowerCase();
  switch (type) {
    case 'string':
      return plausibleString(schema, name, pools);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 100_000 }),
        fc.constantFrom(...[schema.minimum, schema.maximum].filter((v): v is number => v !== undefined), 1),
      );
    case 'number':
      if (lower === 'lat' || lower === 'lng' || lower === 'long') {
        return fc.oneof(
          fc.constantFrom(...pools.points.map((p) => (lower === 'lat' ? p.lat : p.lng))),
          fc.double({ min: schema.minimum ?? -180, max: schema.maximum ?? 180, noNaN: true }),
        );
      }
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(schema.items)) return fc.tuple(...schema.items.map((s) => plausible(s, name, pools, depth + 1)));
      const item = schema.items ? plausible(schema.items, name, pools, depth + 1) : fc.jsonValue({ maxDepth: 2 });
      return fc.array(item, { maxLength: Math.min(schema.maxItems ?? 4, 4) });
    }
    case 'object':
      return depth > 4 ? fc.constant({}) : shapedObject(schema, pools, depth + 1);
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function plausibleString(schema: Schema, name: string, pools: Pools): fc.Arbitrary<string> {
  const lower = name.toLowerCase();
  const max = Math.min(schema.maxLength ?? 40, 40);
  const free = fc.string({ minLength: Math.min(schema.minLength ?? 0, max), maxLength: max });
  const arbs: fc.Arbitrary<string>[] = [];
  if (schema.format === 'uuid' || lower === 'id' || lower.endsWith('id') || ['jurisdiction', 'grid', 'department', 'photoid'].includes(lower)) {
    arbs.push(fc.constantFrom(...pools.ids), fc.uuid());
  }
  if (lower.includes('trackingcode') || lower === 'token') arbs.push(fc.constantFrom(...pools.trackingCodes));
  if (lower.endsWith('code') || lower === 'code' || lower === 'file') arbs.push(fc.constantFrom(...pools.codes));
  if (lower === 'q' || lower === 'description' || lower.includes('name') || lower === 'address' || lower === 'reason' || lower === 'note') {
    arbs.push(fc.constantFrom(...pools.texts));
  }
  if (lower === 'username') arbs.push(fc.constantFrom(...pools.usernames));
  if (schema.format === 'date-time') arbs.push(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()));
  if (schema.format === 'date') arbs.push(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
  if (schema.format === 'email') arbs.push(fc.emailAddress());
  if (schema.format === 'uri') arbs.push(fc.webUrl());
  if (schema.pattern) {
    try {
      arbs.push(fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1e9)));
    } catch {
      // A pattern fast-check cannot generate from: free text still probes it.
    }
  }
  arbs.push(free);
  return fc.oneof(...arbs);
}

/** An object with the schema's properties: required ones mostly present, optional ones sometimes, values mostly plausible. */
function shapedObject(schema: Schema, pools: Pools, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const props = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const entry = (name: string, s: Schema) =>
    fc.oneof(
      { weight: 6, arbitrary: plausible(s, name, pools, depth).map((v) => [name, v] as const) },
      { weight: 1, arbitrary: hostileValue({ big: depth === 0 }).map((v) => [name, v] as const) },
    );
  const fields = props.map(([name, s]) =>
    required.has(name)
      ? fc.oneof({ weight: 12, arbitrary: entry(name, s) }, { weight: 1, arbitrary: fc.constant(null) })
      : fc.option(entry(name, s), { freq: 2 }),
  );
  const extra = fc.option(fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', '', 'a'.repeat(300)), hostileValue({ big: false })), { freq: 8 });
  const additional = schema.patternProperties ? fc.option(fc.tuple(fc.string({ maxLength: 80 }), hostileValue({ big: false })), { freq: 2 }) : fc.constant(null);
  return fc.tuple(fc.tuple(...fields), extra, additional).map(([pairs, x, y]) => {
    const out: Record<string, unknown> = {};
    for (const p of pairs) if (p) out[p[0]] = p[1];
    for (const p of [x, y]) if (p) Object.defineProperty(out, p[0], { value: p[1], enumerable: true, configurable: true, writable: true });
    return out;
  });
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  return unraw(JSON.stringify(v) ?? '');
}

/** A URL-safe encoding, except for deliberate junk escapes. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: percent-encode the code units by hand (the server sees broken UTF-8).
    return [...s].map((c) => (/^[A-Za-z0-9_.~-]$/.test(c) ? c : `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`)).join('');
  }
}

function pathArb(route: RouteInfo, pools: Pools): fc.Arbitrary<string> {
  const params = (route.schema?.params as Schema | undefined)?.properties ?? {};
  const names = pathParams(route.url);
  if (names.length === 0) return fc.constant(route.url);
  const segment = (name: string) =>
    fc.oneof(
      { weight: 6, arbitrary: plausible(params[name] ?? { type: 'string' }, name, pools).map((v) => encode(text(v))) },
      { weight: 3, arbitrary: hostileText().map(encode) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_PATH_JUNK) },
    );
  return fc.tuple(...names.map(segment)).map((values) => {
    let url = route.url;
    names.forEach((n, i) => {
      url = n === '*' ? url.replace('*', values[i]!) : url.replace(`:${n}`, values[i]!);
    });
    return url;
  });
}

function queryArb(route: RouteInfo, pools: Pools): fc.Arbitrary<string> {
  const qs = route.schema?.querystring as Schema | undefined;
  const shaped = qs ? shapedObject(qs, pools, 1) : fc.constant({});
  const junk = fc.option(fc.constantFrom('&%zz=1', '&=&&', '&a[b]=1&a=2', '&limit=1&limit=2', '&__proto__[x]=1', `&q=${'a'.repeat(5000)}`, '&cursor=%00'), { freq: 6 });
  return fc.tuple(shaped, junk).map(([obj, extra]) => {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(obj)) {
      for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encode(k)}=${encode(text(one))}`);
    }
    const q = parts.join('&') + (extra ?? '');
    return q ? `?${q.replace(/^&/, '')}` : '';
  });
}

interface Body {
  kind: string;
  payload?: string | Buffer;
  contentType?: string;
}

function multipartBody(fields: Record<string, unknown>, files: Array<{ name: string; type: string; data: Buffer }>, broken: string | null): Body {
  const boundary = 'fuzzBoundary7MA4YWxkTrZu0gW';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k.replace(/"/g, '')}"\r\n\r\n${text(v)}\r\n`, 'utf8'));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${f.name}"; filename="x.bin"\r\ncontent-type: ${f.type}\r\n\r\n`), f.data, Buffer.from('\r\n'));
  }
  if (broken !== 'no-end') parts.push(Buffer.from(`--${boundary}--\r\n`));
  let payload = Buffer.concat(parts);
  let contentType = `multipart/form-data; boundary=${boundary}`;
  if (broken === 'no-boundary') contentType = 'multipart/form-data';
  if (broken === 'wrong-boundary') contentType = 'multipart/form-data; boundary=other';
  if (broken === 'truncated') payload = payload.subarray(0, Math.floor(payload.length / 2));
  if (broken === 'garbage-headers') payload = Buffer.concat([Buffer.from(`--${boundary}\r\ncontent-disposition: x\r\n\r\n\r\n`), payload]);
  return { kind: `multipart${broken ? `:${broken}` : ''}`, payload, contentType };
}

function bodyArb(route: RouteInfo, pools: Pools): fc.Arbitrary<Body> {
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)) {
    return fc.oneof({ weight: 20, arbitrary: fc.constant<Body>({ kind: 'none' }) }, { weight: 1, arbitrary: fc.constant<Body>({ kind: 'get-with-body', payload: '{"a":1}', contentType: 'application/json' }) });
  }
  const schema = (route.schema?.body as Schema | undefined) ?? { type: 'object', properties: {} };
  const shaped = shapedObject(schema, pools);
  const json = (v: unknown) => unraw(JSON.stringify(v));
  const file = fc.constantFrom(
    { name: 'file', type: 'text/csv', data: Buffer.from('姓名,身份证号\r\n张三,110101198001010011\r\n') },
    { name: 'file', type: 'text/csv', data: Buffer.alloc(0) },
    { name: 'file', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: Buffer.from('PK\u0003\u0004garbage') },
    { name: 'photos', type: 'image/jpeg', data: Buffer.from(TINY_JPEG) },
    { name: 'photos', type: 'image/jpeg', data: Buffer.from('%PDF-1.4 not a photo') },
    { name: 'photos', type: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]) },
    { name: 'kind', type: 'text/plain', data: Buffer.from('persons') },
  );
  return fc.oneof(
    { weight: 8, arbitrary: shaped.map((o): Body => ({ kind: 'json', payload: json(o), contentType: 'application/json' })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('null', '[]', '"x"', '123', '{', '{"a":', '\uFEFF{}', '{"a":1,"a":2}', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', DEEP_JSON_TEXT, `{"a":"${MEGABYTE_STRING}"}`)
        .map((payload): Body => ({ kind: 'json-hostile', payload, contentType: 'application/json' })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(shaped, fc.constantFrom(...BAD_BYTES)).map(([o, bad]): Body => {
        const text = json(o);
        const at = Math.max(1, text.indexOf('":"') + 3 || text.length - 1);
        return { kind: 'bad-bytes', payload: Buffer.concat([Buffer.from(text.slice(0, at)), bad, Buffer.from(text.slice(at))]), contentType: 'application/json' };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, fc.constantFrom('text/plain', 'application/xml', 'application/octet-stream', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'garbage', 'application/geo+json'))
        .map(([o, contentType]): Body => ({ kind: `wrong-type:${contentType}`, payload: contentType.includes('urlencoded') ? 'a=1&b=%zz&c' : json(o), contentType })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(shaped, fc.array(file, { maxLength: 2 }), fc.option(fc.constantFrom('no-boundary', 'wrong-boundary', 'truncated', 'no-end', 'garbage-headers'), { freq: 3 }))
        .map(([o, files, broken]) => multipartBody(o, files, broken)),
    },
    { weight: 1, arbitrary: fc.constantFrom<Body>({ kind: 'empty' }, { kind: 'empty-json', payload: '', contentType: 'application/json' }) },
  );
}

const LANGUAGES = ['en', 'zh-Hant', 'zh-TW', 'zh-CN', 'zh-Hans', '*', '', 'xx', 'en;q=abc,zh;q=2', 'zh-Hant-TW;q=0.5, en;q=0.9', 'a'.repeat(3000)];

export function requestArb(route: RouteInfo, fx: Fixture, pools: Pools): fc.Arbitrary<FuzzRequest> {
  const principal = fc.constantFrom(...fx.principals);
  const header = (values: readonly string[]) => fc.option(fc.constantFrom(...values), { freq: 6 });
  const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 250 });
  return fc
    .record({
      principal,
      dropCsrf: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      path: pathArb(route, pools),
      query: queryArb(route, pools),
      body: bodyArb(route, pools),
      language: fc.constantFrom(...LANGUAGES),
      idempotency: fc.option(fc.oneof(printable, fc.constantFrom('', 'a'.repeat(300))), { freq: 4 }),
      origin: header(['http://evil.example', 'null', 'garbage', '://', 'http://', 'http://localhost:80', 'https://[::1']),
      auth: header(['Bearer ', 'Bearer garbage', 'Bearer gl_' + 'a'.repeat(40), 'Basic YTpi', 'bearer gl_x']),
      cookie: header(['gl_session=forged', 'gl_session=abc.def', 'gl_session=', 'gl_session=%zz; gl_session=x']),
      ip: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 })),
    })
    .map((r) => {
      const headers: Record<string, string> = { ...r.principal.headers, 'accept-language': r.language };
      if (r.dropCsrf) delete headers['x-csrf-token'];
      if (r.idempotency !== null) headers['idempotency-key'] = r.idempotency;
      if (r.origin !== null) headers.origin = r.origin;
      if (r.auth !== null && r.principal.kind === 'public') headers.authorization = r.auth;
      if (r.cookie !== null && r.principal.kind === 'public') headers.cookie = r.cookie;
      if (r.body.contentType) headers['content-type'] = r.body.contentType;
      return {
        method: route.method,
        url: r.path + r.query,
        headers,
        payload: r.body.payload,
        principal: r.principal.name,
        remoteAddress: `10.${r.ip[0]}.${r.ip[1]}.${r.ip[2]}`,
        body: r.body.kind,
      };
    });
}
