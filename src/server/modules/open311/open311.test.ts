import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemCaller } from '../../../db/caller.ts';
import { login, type Session, type TestEnv, testEnv } from '../../../testing/context.ts';
import { jpegWithExif, multipart } from '../../../testing/uploads.ts';
import { escapeXml, toXml } from './xml.ts';

// CI copies shared/ beside the repository; the published schemas are the yardstick, not a copy of our own making.
const SCHEMA_DIR = join(process.cwd(), '..', 'shared', 'conformance', 'open311-georeport-v2');
const SCHEMA_FILES = ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json'];
const schemasPresent = SCHEMA_FILES.every((f) => existsSync(join(SCHEMA_DIR, f)));
if (!schemasPresent && process.env.CI === 'true') {
  throw new Error(`The Open311 GeoReport v2 schemas are missing: expected ${SCHEMA_FILES.join(', ')} in ${SCHEMA_DIR}`);
}
if (!schemasPresent) console.warn(`open311: schemas not found in ${SCHEMA_DIR}; schema validation is skipped`);

type SchemaName = 'requests' | 'services' | 'service-definition';
const validators = new Map<SchemaName, ValidateFunction>();
if (schemasPresent) {
  const read = (f: string) => JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(read('request.json'), 'request.json');
  ajv.addSchema(read('service.json'), 'service.json');
  validators.set('requests', ajv.compile(read('requests.json')));
  validators.set('services', ajv.compile(read('services.json')));
  validators.set('service-definition', ajv.compile(read('service-definition.json')));
}

/** Validates a JSON body against a published schema (a no-op, with a warning above, when they are absent). */
function conform(name: SchemaName, body: unknown): void {
  const validate = validators.get(name);
  if (!validate) return;
  const ok = validate(body);
  expect(ok, `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

// ---------------------------------------------------------------- a minimal XML reader for the round trips

interface XNode {
  name: string;
  children: XNode[];
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function parseXml(xml: string): XNode {
  expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
  const s = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  let i = 0;
  const node = (): XNode => {
    const m = /^<([A-Za-z_][\w.-]*)(\/?)>/.exec(s.slice(i));
    if (!m) throw new Error(`XML: element expected at ${i}: ${s.slice(i, i + 40)}`);
    i += m[0].length;
    const n: XNode = { name: m[1]!, children: [], text: '' };
    if (m[2]) return n;
    for (;;) {
      if (s.startsWith(`</${n.name}>`, i)) {
        i += n.name.length + 3;
        return n;
      }
      if (s[i] === '<') {
        n.children.push(node());
      } else {
        const j = s.indexOf('<', i);
        if (j < 0) throw new Error('XML: unterminated element');
        const raw = s.slice(i, j);
        expect(raw).not.toMatch(/&(?!(lt|gt|amp|quot|apos);)/);
        n.text += raw.replace(/&(lt|gt|amp|quot|apos);/g, (_, e: string) => ENTITIES[e]!);
        i = j;
      }
    }
  };
  const root = node();
  expect(s.slice(i).trim()).toBe('');
  return root;
}

const LISTS = new Set(['services', 'service_requests', 'attributes', 'values', 'notes', 'errors', 'endpoints', 'formats']);

type Plain = string | Plain[] | { [k: string]: Plain };

function plainOfXml(n: XNode): Plain {
  if (LISTS.has(n.name)) return n.children.map(plainOfXml);
  if (n.children.length === 0) return n.text;
  return Object.fromEntries(n.children.map((c) => [c.name, plainOfXml(c)]));
}

// What the JSON says, as XML text would say it: null as empty, characters XML cannot carry dropped.
function plainOfJson(v: unknown): Plain {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(plainOfJson);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainOfJson(x)]));
  return String(v).replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

// ---------------------------------------------------------------- set-up

let env: TestEnv;
const s: Record<string, Session> = {};
let point: { lat: number; lng: number };
let deptId: string;
let deptNames: { en: string; zhHans: string };
let gridCode: string;
let otherGridCode: string;
let otherPoint: { lat: number; lng: number };
let cityCode: string;
let openKey: string;
let readKey: string;
let gridKey: string;
/** Just before this file's first request: date filters then select this file's cases and whatever ran alongside. */
let t0: string;
/** Every raw body a GET gave, to prove afterwards that no reporter contact ever left. */
const getBodies: string[] = [];
const statuses: number[] = [];

beforeAll(async () => {
  env = await testEnv();
  t0 = new Date(env.ctx.cases.now().getTime() - 1000).toISOString();
  for (const u of ['clerk', 'gridworker', 'shiftlead', 'dispatcher']) s[u] = await login(env.app, u);
  const me = await env.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.gridworker!.cookie } });
  const gridId = (me.json() as { user: { roles: Array<{ jurisdictionId: string }> } }).user.roles[0]!.jurisdictionId;
  const r = await env.db.run(systemCaller('test'), async (trx) => {
    const p = await sql<{ lat: number; lng: number; code: string }>`select st_y(st_pointonsurface(geom)) as lat,
      st_x(st_pointonsurface(geom)) as lng, code from jurisdiction where id = ${gridId}`.execute(trx);
    const other = await sql<{ code: string; lat: number; lng: number }>`select code, st_y(st_pointonsurface(geom)) as lat,
      st_x(st_pointonsurface(geom)) as lng from jurisdiction where level = 'grid' and valid_to is null
      and id <> ${gridId} order by code limit 1`.execute(trx);
    const city = await sql<{ code: string }>`select code from jurisdiction where level = 'city' and valid_to is null order by code limit 1`.execute(trx);
    const d = await sql<{ id: string; en: string; zhHans: string }>`select id, name_en as en, name_zh_hans as "zhHans"
      from department where kind = 'sanitation' limit 1`.execute(trx);
    return { p: p.rows[0]!, other: other.rows[0]!, city: city.rows[0]!.code, d: d.rows[0]! };
  });
  point = { lat: r.p.lat, lng: r.p.lng };
  gridCode = r.p.code;
  otherGridCode = r.other.code;
  otherPoint = { lat: r.other.lat, lng: r.other.lng };
  cityCode = r.city;
  deptId = r.d.id;
  deptNames = { en: r.d.en, zhHans: r.d.zhHans };
  const token = (username: string, scopes: string[]) =>
    env.ctx.identity.createToken(systemCaller('test'), { username, name: `o311-${Math.random()}`, scopes }).then((t) => t.token);
  openKey = await token('admin', ['open311']);
  readKey = await token('admin', ['read']);
  gridKey = await token('gridworker', ['open311']);
});

/**
 * The worker's database is shared with the other suites, whose inbox checks look at the first 50 open cases: every
 * case made here is voided at the end, so that none is left waiting in a queue.
 */
const made = new Set<string>();
function remember(res: { statusCode: number; body: string }) {
  if (res.statusCode !== 200 && res.statusCode !== 201) return;
  for (const m of res.body.matchAll(/\d{6}-\d{4}-\d{6}/g)) made.add(m[0]);
}

afterAll(async () => {
  const open = await env.db.runAsOwner('test', async (trx) =>
    (await sql<{ id: string }>`select id from cases where number = any(${[...made]}::text[])
      and state not in ('closed', 'rejected', 'voided', 'merged', 'transferred')`.execute(trx)).rows,
  );
  for (const c of open) await act('shiftlead', c.id, 'void', { reason: 'open311 test cleanup' });
});

async function get(url: string, headers: Record<string, string> = {}) {
  const res = await env.app.inject({ method: 'GET', url, headers });
  statuses.push(res.statusCode);
  getBodies.push(res.body);
  return res;
}

/** A form-encoded POST, as GeoReport clients send it; pairs, so that a name may repeat. */
async function post(format: 'json' | 'xml', fields: Array<[string, string]> | Record<string, string>, headers: Record<string, string> = {}) {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  const res = await env.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(pairs).toString(),
  });
  statuses.push(res.statusCode);
  remember(res);
  return res;
}

function base(extra: Record<string, string> = {}): Record<string, string> {
  return {
    api_key: openKey,
    service_code: 'E0102',
    lat: String(point.lat),
    long: String(point.lng),
    description: 'open311 garbage',
    // A device of its own per request: repeats from one device merge by themselves.
    device_id: `o311-${Math.random()}`,
    ...extra,
  };
}

async function act(who: string, id: string, action: string, body: Record<string, unknown> = {}) {
  const r = await env.app.inject({ method: 'POST', url: `/api/cases/${id}/actions/${action}`, headers: s[who]!.headers, payload: body });
  expect(r.statusCode, r.body).toBe(200);
}

async function caseIdOf(number: string): Promise<string> {
  return env.db.runAsOwner('test', async (trx) => (await sql<{ id: string }>`select id from cases where number = ${number}`.execute(trx)).rows[0]!.id);
}

function expectSameAsJson(xmlBody: string, json: unknown) {
  expect(plainOfXml(parseXml(xmlBody))).toEqual(plainOfJson(json));
}

interface Created {
  service_request_id: string;
  token: string;
  service_notice: string;
  account_id: string | null;
}

interface Req {
  service_request_id: string;
  status: string;
  status_notes: string;
  service_code: string;
  service_name: string;
  description: string;
  requested_datetime: string;
  agency_responsible: string | null;
  expected_datetime: string | null;
  address: string | null;
  lat: number;
  long: number;
  media_url: string | null;
  notes?: Array<{ summary: string; datetime: string }>;
}

// ---------------------------------------------------------------- tests

describe('Open311 GeoReport v2: discovery and services', () => {
  it('finds the published schemas beside the repository', () => {
    if (!schemasPresent) return;
    expect(validators.size).toBe(3);
  });

  it('describes itself in JSON and XML', async () => {
    const j = await get('/open311/v2/discovery.json');
    expect(j.statusCode).toBe(200);
    expect(j.headers['content-type']).toBe('application/json; charset=utf-8');
    const d = j.json() as { endpoints: Array<{ url: string; formats: string[] }> };
    expect(d.endpoints[0]!.url).toMatch(/\/open311\/v2$/);
    expect(d.endpoints[0]!.formats).toEqual(['application/json', 'text/xml']);
    const x = await get('/open311/v2/discovery.xml');
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(parseXml(x.body).name).toBe('discovery');
    expectSameAsJson(x.body, j.json());
  });

  it('lists the sub-categories as services in the caller’s language, zh-Hans by default', async () => {
    const zh = await get('/open311/v2/services.json');
    expect(zh.statusCode).toBe(200);
    conform('services', zh.json());
    type Svc = { service_code: string; service_name: string; metadata: boolean; type: string; group: string | null; keywords: string };
    const byCode = (list: Svc[], code: string) => list.find((x) => x.service_code === code)!;
    const zhList = zh.json() as Svc[];
    expect(zhList.length).toBeGreaterThanOrEqual(40);
    expect(byCode(zhList, 'C0118')).toMatchObject({ service_name: '路灯', metadata: true, type: 'realtime', group: '公用设施' });
    expect(byCode(zhList, 'E0102')).toMatchObject({ service_name: '暴露垃圾', metadata: false });
    expect(byCode(zhList, 'C0118').keywords).toContain('Street light');

    const en = await get('/open311/v2/services.json', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(byCode(en.json() as Svc[], 'C0118')).toMatchObject({ service_name: 'Street light', group: 'Public utilities' });
    // The locale parameter wins over the header.
    const hant = await get('/open311/v2/services.json?locale=zh-Hant', { 'accept-language': 'en' });
    expect(byCode(hant.json() as Svc[], 'C0118').service_name).toBe('路燈');

    const x = await get('/open311/v2/services.xml', { 'accept-language': 'en' });
    expect(x.statusCode).toBe(200);
    expectSameAsJson(x.body, en.json());
    // No suffix: JSON.
    const bare = await get('/open311/v2/services?locale=en');
    expect(bare.json()).toEqual(en.json());
  });

  it('defines a service with its attributes, and one without', async () => {
    const j = await get('/open311/v2/services/C0118.json?locale=en');
    expect(j.statusCode).toBe(200);
    conform('service-definition', j.json());
    const def = j.json() as { service_code: string; attributes: Array<{ code: string; datatype: string; required: boolean; order: number; variable: boolean; values?: Array<{ key: string; name: string }> }> };
    expect(def.service_code).toBe('C0118');
    const fault = def.attributes.find((a) => a.code === 'fault')!;
    expect(fault).toMatchObject({ datatype: 'singlevaluelist', required: true, variable: true });
    expect(fault.values).toContainEqual({ key: 'out', name: 'Out' });
    expect(def.attributes.map((a) => a.order)).toEqual(def.attributes.map((_, i) => i + 1));
    const x = await get('/open311/v2/services/C0118.xml?locale=en');
    expect(parseXml(x.body).name).toBe('service_definition');
    expectSameAsJson(x.body, j.json());

    const none = await get('/open311/v2/services/E0102.json');
    conform('service-definition', none.json());
    expect(none.json()).toEqual({ service_code: 'E0102', attributes: [] });
  });

  it('answers an unknown service code with 404 in the format asked for', async () => {
    const j = await get('/open311/v2/services/E9999.json');
    expect(j.statusCode).toBe(404);
    expect(j.json()).toEqual([{ code: 404, description: expect.stringContaining('E9999') }]);
    const x = await get('/open311/v2/services/E9999.xml');
    expect(x.statusCode).toBe(404);
    expect(x.headers['content-type']).toBe('text/xml; charset=utf-8');
    const e = plainOfXml(parseXml(x.body)) as Array<{ code: string; description: string }>;
    expect(e[0]!.code).toBe('404');
  });
});

describe('Open311 GeoReport v2: requests round trip', () => {
  let first: Created;
  let second: Created;

  it('creates a request from a form POST and reads it back in JSON and XML', async () => {
    const res = await post(
      'json',
      base({
        email: 'o311-secret@example.com',
        phone: '13900001111',
        first_name: 'Zebedee',
        last_name: 'Quixotic',
        account_id: 'acct-7',
        address_string: '東四北大街 1 號',
        description: 'Bags <&> "dumped" by the gate\u0001',
      }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const created = res.json() as Created[];
    expect(created).toHaveLength(1);
    first = created[0]!;
    expect(first.service_request_id).toMatch(/^\d{6}-\d{4}-\d{6}$/);
    expect(first.account_id).toBe('acct-7');
    expect(first.service_notice).toMatch(/处置/);
    expect(first.token).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$/);

    const j = await get(`/open311/v2/requests/${first.service_request_id}.json`);
    expect(j.statusCode).toBe(200);
    conform('requests', j.json());
    const [r] = j.json() as Req[];
    expect(r).toMatchObject({
      service_request_id: first.service_request_id,
      status: 'open',
      status_notes: 'reported',
      service_code: 'E0102',
      service_name: '暴露垃圾',
      address: '東四北大街 1 號',
      agency_responsible: null,
      media_url: null,
    });
    expect(r!.lat).toBeCloseTo(point.lat, 6);
    expect(r!.long).toBeCloseTo(point.lng, 6);
    const x = await get(`/open311/v2/requests/${first.service_request_id}.xml`);
    expect(x.statusCode).toBe(200);
    // Escaped on the way out, the control character dropped, and otherwise the same as the JSON.
    expect(x.body).toContain('Bags &lt;&amp;&gt; &quot;dumped&quot; by the gate</description>');
    expectSameAsJson(x.body, j.json());
    // The reporter's contact is stored (for staff), just never published.
    const stored = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ email: string | null; anonymous: boolean; channel: string }>`select reporter_email_enc as email, anonymous, channel
        from cases where number = ${first.service_request_id}`.execute(trx)).rows[0]!,
    );
    expect(stored).toMatchObject({ anonymous: false, channel: 'api' });
    expect(stored.email).not.toBeNull();
  });

  it('answers a POST in XML, and takes a JSON body as well', async () => {
    const x = await post('xml', base({ description: 'open311 xml post' }));
    expect(x.statusCode, x.body).toBe(200);
    const list = plainOfXml(parseXml(x.body)) as Array<Record<string, string>>;
    expect(parseXml(x.body).name).toBe('service_requests');
    expect(list[0]!.service_request_id).toMatch(/^\d{6}-\d{4}-\d{6}$/);
    expect(list[0]!.account_id).toBe('');
    second = { service_request_id: list[0]!.service_request_id!, token: list[0]!.token!, service_notice: '', account_id: null };

    const j = await env.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: { ...base({ description: 'open311 json body' }), lat: point.lat, long: point.lng },
    });
    remember(j);
    expect(j.statusCode, j.body).toBe(200);
    expect((j.json() as Created[])[0]!.service_request_id).toMatch(/^\d{6}-/);
  });

  it('shows the department, the deadline and the public timeline as the case moves', async () => {
    const id = await caseIdOf(first.service_request_id);
    await act('clerk', id, 'accept', { duplicatesReviewed: true });
    await act('gridworker', id, 'confirm', { note: 'seen' });
    await act('shiftlead', id, 'register', { categoryCode: 'E0102', priority: 'normal' });
    await act('dispatcher', id, 'dispatch', { departmentId: deptId });

    const j = await get(`/open311/v2/requests/${first.service_request_id}.json?extensions=true&locale=en`);
    conform('requests', j.json());
    const [r] = j.json() as Req[];
    expect(r).toMatchObject({ status: 'open', status_notes: 'dispatched', agency_responsible: deptNames.en });
    expect(r!.expected_datetime).not.toBeNull();
    expect(r!.notes!.map((n) => n.summary)).toEqual(['intake', 'accept', 'confirm', 'register', 'dispatch']);
    const zh = await get(`/open311/v2/requests/${first.service_request_id}.json`);
    expect((zh.json() as Req[])[0]!.agency_responsible).toBe(deptNames.zhHans);
    expect((zh.json() as Req[])[0]!.notes).toBeUndefined();
    const x = await get(`/open311/v2/requests/${first.service_request_id}.xml?extensions=true&locale=en`);
    expectSameAsJson(x.body, j.json());
  });

  it('filters the list by id, code, status, dates and jurisdiction, and pages it', async () => {
    const ids = `${first.service_request_id},${second.service_request_id}`;
    const byId = await get(`/open311/v2/requests.json?service_request_id=${ids}`);
    conform('requests', byId.json());
    expect((byId.json() as Req[]).map((r) => r.service_request_id).sort()).toEqual([first.service_request_id, second.service_request_id].sort());

    // Void the second: Open311 calls it closed, the note says how.
    await act('shiftlead', await caseIdOf(second.service_request_id), 'void', { reason: 'test' });
    const q = `start_date=${encodeURIComponent(t0)}&service_code=E0102`;
    const open = (await get(`/open311/v2/requests.json?${q}&status=open&page_size=200`)).json() as Req[];
    const closed = (await get(`/open311/v2/requests.json?${q}&status=closed&page_size=200`)).json() as Req[];
    conform('requests', closed);
    expect(open.map((r) => r.service_request_id)).toContain(first.service_request_id);
    expect(open.map((r) => r.service_request_id)).not.toContain(second.service_request_id);
    expect(closed.find((r) => r.service_request_id === second.service_request_id)).toMatchObject({ status: 'closed', status_notes: 'voided' });
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    const future = (await get(`/open311/v2/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`)).json();
    expect(future).toEqual([]);
    const other = (await get(`/open311/v2/requests.json?service_code=C0501&${q.split('&')[0]}`)).json() as Req[];
    expect(other.every((r) => r.service_code === 'C0501')).toBe(true);

    // Jurisdiction: the grid the case lies in has it, another grid does not, the city does.
    const inGrid = (await get(`/open311/v2/requests.json?${q}&jurisdiction_id=${gridCode}&page_size=200`)).json() as Req[];
    expect(inGrid.map((r) => r.service_request_id)).toContain(first.service_request_id);
    const elsewhere = (await get(`/open311/v2/requests.json?${q}&jurisdiction_id=${otherGridCode}&page_size=200`)).json() as Req[];
    expect(elsewhere.map((r) => r.service_request_id)).not.toContain(first.service_request_id);
    const city = (await get(`/open311/v2/requests.json?${q}&jurisdiction_id=${cityCode}&page_size=200`)).json() as Req[];
    expect(city.map((r) => r.service_request_id)).toContain(first.service_request_id);

    // Pages of two over this file's own requests: in order, and together the same as one page of all.
    const mine = `service_request_id=${[...made].join(',')}`;
    const all = (await get(`/open311/v2/requests.json?${mine}&page_size=200`)).json() as Req[];
    expect(all.length).toBe(made.size);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const paged: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 2) + 1; page++) {
      const p = (await get(`/open311/v2/requests.json?${mine}&page_size=2&page=${page}`)).json() as Req[];
      expect(p.length).toBe(Math.max(0, Math.min(2, all.length - (page - 1) * 2)));
      paged.push(...p.map((r) => r.service_request_id));
    }
    expect(paged).toEqual(all.map((r) => r.service_request_id));
    const times = all.map((r) => r.requested_datetime);
    expect([...times].sort().reverse()).toEqual(times);

    const xml = await get(`/open311/v2/requests.xml?${q}&page_size=5&extensions=true`);
    const json = await get(`/open311/v2/requests.json?${q}&page_size=5&extensions=true`);
    conform('requests', json.json());
    expectSameAsJson(xml.body, json.json());
  });

  it('closes a merged request, naming the one it joined', async () => {
    const a = ((await post('json', base({ description: 'open311 merge primary' }))).json() as Created[])[0]!;
    const b = ((await post('json', base({ description: 'open311 merge duplicate' }))).json() as Created[])[0]!;
    await act('clerk', await caseIdOf(b.service_request_id), 'merge', { primaryCaseId: await caseIdOf(a.service_request_id) });
    const j = await get(`/open311/v2/requests/${b.service_request_id}.json`);
    conform('requests', j.json());
    expect((j.json() as Req[])[0]).toMatchObject({ status: 'closed', status_notes: `merged (${a.service_request_id})` });
  });

  it('resolves a token (the tracking code) to its request', async () => {
    const j = await get(`/open311/v2/tokens/${first.token}.json`);
    expect(j.statusCode).toBe(200);
    expect(j.json()).toEqual([{ service_request_id: first.service_request_id, token: first.token }]);
    const x = await get(`/open311/v2/tokens/${first.token}.xml`);
    expectSameAsJson(x.body, j.json());
    const unknown = await get('/open311/v2/tokens/ABCD-EFGH-JKMN-PQRS.json');
    expect(unknown.statusCode).toBe(404);
    expect((unknown.json() as Array<{ code: number }>)[0]!.code).toBe(404);
  });

  it('creates one request for retries with the same Idempotency-Key', async () => {
    const key = `o311-${Math.random()}`;
    const fields = base({ description: `idempotent open311 ${key}` });
    const a = await post('json', fields, { 'idempotency-key': key });
    const b = await post('json', fields, { 'idempotency-key': key });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(b.json()).toEqual(a.json());
    const n = await env.db.runAsOwner('test', async (trx) =>
      (await sql<{ n: number }>`select count(*)::int as n from cases where description = ${`idempotent open311 ${key}`}`.execute(trx)).rows[0]!.n,
    );
    expect(n).toBe(1);
    const c = await post('json', { ...fields, description: 'another body' }, { 'idempotency-key': key });
    expect(c.statusCode).toBe(400);
    expect((c.json() as Array<{ description: string }>)[0]!.description).toMatch(/^IDEMPOTENCY_KEY_REUSED/);
  });

  it('takes attributes as attribute[code], lists repeated, and checks them against the definition', async () => {
    const light = await post('json', [...Object.entries(base({ service_code: 'C0118' })), ['attribute[fault]', 'out'], ['attribute[pole_number]', 'P-12']]);
    expect(light.statusCode, light.body).toBe(200);
    const noise = await post('json', [
      ...Object.entries(base({ service_code: 'E0301' })),
      ['attribute[periods][]', 'night'],
      ['attribute[periods][]', 'midday'],
      ['attribute[observed_at]', '2026-11-20T23:10:00+08:00'],
    ]);
    expect(noise.statusCode, noise.body).toBe(200);
    const attrs = async (number: string) =>
      env.db.runAsOwner('test', async (trx) =>
        (await sql<{ a: Record<string, unknown> }>`select attributes as a from cases where number = ${number}`.execute(trx)).rows[0]!.a,
      );
    expect(await attrs((light.json() as Created[])[0]!.service_request_id)).toEqual({ fault: 'out', pole_number: 'P-12' });
    expect(await attrs((noise.json() as Created[])[0]!.service_request_id)).toEqual({ periods: ['night', 'midday'], observed_at: '2026-11-20T15:10:00.000Z' });

    const json = await env.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      payload: { ...base({ service_code: 'C0118' }), attribute: { fault: 'flickering' } },
    });
    remember(json);
    expect(json.statusCode, json.body).toBe(200);

    for (const bad of [
      [],
      [['attribute[fault]', 'exploded']],
      [['attribute[fault]', 'out'], ['attribute[colour]', 'red']],
    ] as Array<Array<[string, string]>>) {
      const r = await post('json', [...Object.entries(base({ service_code: 'C0118' })), ...bad]);
      expect(r.statusCode, r.body).toBe(400);
      expect((r.json() as Array<{ description: string }>)[0]!.description).toMatch(/attribute\[(fault|colour)\]/);
    }
  });

  it('serves the reporter’s photo, stripped, at media_url', async () => {
    const upload = multipart(
      { categoryCode: 'E0102', lat: String(point.lat), lng: String(point.lng), description: 'open311 photo', anonymous: 'true', deviceId: `p-${Math.random()}` },
      [{ field: 'photos', name: 'p.jpg', type: 'image/jpeg', data: jpegWithExif() }],
    );
    const r = await env.app.inject({ method: 'POST', url: '/api/reports', payload: upload.payload, headers: upload.headers });
    remember(r);
    expect(r.statusCode, r.body).toBe(201);
    const number = (r.json() as { caseNumber: string }).caseNumber;
    const j = await get(`/open311/v2/requests/${number}.json`);
    conform('requests', j.json());
    const url = (j.json() as Req[])[0]!.media_url!;
    expect(url).toMatch(/^http:\/\/[^/]+\/open311\/v2\/media\/[0-9a-f-]{36}$/);
    const photo = await env.app.inject({ method: 'GET', url: new URL(url).pathname });
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(photo.rawPayload.includes(Buffer.from('GPSLatitude'))).toBe(false);
    const missing = await get('/open311/v2/media/0190a0a0-0000-7000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
    expect((await get('/open311/v2/media/not-a-uuid')).statusCode).toBe(404);
  });
});

describe('Open311 GeoReport v2: errors', () => {
  type Errs = Array<{ code: number; description: string }>;
  const expectError = (res: { statusCode: number; json: () => unknown }, status: number) => {
    expect(res.statusCode).toBe(status);
    const body = res.json() as Errs;
    expect(body).toHaveLength(1);
    expect(body[0]!.code).toBe(status);
    expect(body[0]!.description.length).toBeGreaterThan(0);
  };

  it('refuses a POST without a valid api_key carrying the open311 scope with 403', async () => {
    const { api_key: _omit, ...noKey } = base();
    expectError(await post('json', noKey), 403);
    const x = await post('xml', noKey);
    expect(x.statusCode).toBe(403);
    expect(plainOfXml(parseXml(x.body))).toEqual([{ code: '403', description: expect.stringContaining('api_key') }]);
    expectError(await post('json', base({ api_key: `gl_${'x'.repeat(43)}` })), 403);
    expectError(await post('json', base({ api_key: 'nonsense' })), 403);
    expectError(await post('json', base({ api_key: readKey })), 403);
    // Refused before validation: a caller without a key learns nothing about the body.
    expectError(await post('json', { ...noKey, lat: 'abc' }), 403);
  });

  it('refuses bad input with 400', async () => {
    const unknown = await post('json', base({ service_code: 'E9999' }));
    expectError(unknown, 400);
    expect((unknown.json() as Errs)[0]!.description).toContain('E9999');
    expectError(await post('json', base({ lat: 'abc' })), 400);
    expectError(await post('json', base({ lat: '95' })), 400);
    expectError(await post('json', base({ long: '' })), 400);
    expectError(await post('json', base({ email: 'not-an-address' })), 400);
    const { lat: _a, long: _b, ...noPoint } = base({ address_string: '東四北大街 1 號' });
    expectError(await post('json', noPoint), 400);
    // Far outside the city.
    const far = await post('json', base({ lat: '22.5', long: '114.1' }));
    expectError(far, 400);
    expect((far.json() as Errs)[0]!.description).toMatch(/^OUTSIDE_SERVICE_AREA/);
    const bad = await env.app.inject({
      method: 'POST',
      url: '/open311/v2/requests.json',
      headers: { 'content-type': 'application/json' },
      payload: '{"api_key":',
    });
    expect(bad.statusCode).toBe(400);
    statuses.push(bad.statusCode);

    expectError(await get('/open311/v2/requests.json?start_date=yesterday'), 400);
    expectError(await get('/open311/v2/requests.json?page_size=500'), 400);
    expectError(await get('/open311/v2/requests.json?page=0'), 400);
    expectError(await get('/open311/v2/requests.json?status=pending'), 400);
    expectError(await get(`/open311/v2/requests.json?start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z`), 400);
    expectError(await get('/open311/v2/requests.json?service_request_id=a%20b'), 400);
  });

  it('checks jurisdiction_id against the token’s scope: 403 outside, 404 unknown', async () => {
    // The grid worker's token: its own grid is in scope, the city above it is not.
    const inScope = await post('json', base({ api_key: gridKey, jurisdiction_id: gridCode }));
    expect(inScope.statusCode, inScope.body).toBe(200);
    expectError(await post('json', base({ api_key: gridKey, jurisdiction_id: cityCode })), 403);
    expectError(await post('json', base({ api_key: gridKey, jurisdiction_id: otherGridCode })), 403);
    expectError(await post('json', base({ jurisdiction_id: '999999999999' })), 404);
    // Without jurisdiction_id the database still keeps the token to its scope: a point in another grid is refused.
    expectError(await post('json', base({ api_key: gridKey, lat: String(otherPoint.lat), long: String(otherPoint.lng) })), 403);
    const admin = await post('json', base({ jurisdiction_id: cityCode }));
    expect(admin.statusCode, admin.body).toBe(200);
    expectError(await get('/open311/v2/services.json?jurisdiction_id=999999999999'), 404);
    expect((await get(`/open311/v2/services.json?jurisdiction_id=${cityCode}`)).statusCode).toBe(200);
  });

  it('answers unknown requests, paths and a bad bearer header in the Open311 format', async () => {
    expectError(await get('/open311/v2/requests/110101-1999-000000.json'), 404);
    expectError(await get('/open311/v2/requests/..%2F..%2Fetc.json'), 404);
    const x = await get('/open311/v2/nothing-here.xml');
    expect(x.statusCode).toBe(404);
    expect(parseXml(x.body).name).toBe('errors');
    expectError(await get('/open311/v2/nothing-here'), 404);
    expectError(await get('/open311/v2/services.json', { authorization: 'Bearer nonsense' }), 403);
  });

  it('never answered 500, and never let the reporter’s contact out of a read', async () => {
    for (const url of [
      '/open311/v2/requests.json?extensions=true&page_size=200',
      '/open311/v2/requests.xml?extensions=true&page_size=200',
    ]) {
      await get(url);
    }
    expect(statuses.filter((c) => c >= 500)).toEqual([]);
    expect(getBodies.length).toBeGreaterThan(20);
    for (const body of getBodies) {
      for (const secret of ['o311-secret@example.com', '13900001111', 'Zebedee', 'Quixotic', 'acct-7']) expect(body).not.toContain(secret);
    }
  });
});

describe('the XML writer', () => {
  it('escapes markup and drops what XML 1.0 cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0000\u0008\uFFFE\uD800 ok\t\n`)).toBe('a&lt;b&gt;&amp;&quot;c&apos; ok\t\n');
    expect(escapeXml('漢字 😀')).toBe('漢字 😀');
    expect(toXml('services', [{ service_code: 'E0102', group: null, metadata: false, keywords: undefined }])).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<services><service><service_code>E0102</service_code><group/><metadata>false</metadata></service></services>',
    );
  });
});
