import { gunzipSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipart } from '../../testing/uploads.ts';
import { allows, CLASSES, type Probe, type ProbeContext, refusalOf, ROUTES, ruleFor, type RouteRule, type Which } from './access-table.ts';
import { type SecurityEnv, securityEnv } from './env.ts';
import { buildFixture, type Fixture, type Marker, markersOf, type Principal, type Side, shows } from './fixture.ts';
import { type Answer, type LiveStream, openStream, send } from './http.ts';
import type { RouteInfo } from './route-table.ts';

/**
 * Every principal (seven roles in community A, the public, API tokens with few scopes) × every route of the live
 * route table × A's objects, B's objects and objects that do not exist, held to `access-table.ts`: the allowed get
 * their answer, the others 401/403; B's objects answer exactly as nonexistent ones; and no answer (lists, counts,
 * exports, errors, the live stream) carries an id, number, name or code of B.
 */
let env: SecurityEnv;
let fx: Fixture;
let ghost: Side;
let counter = 0;

beforeAll(async () => {
  env = await securityEnv('access');
  fx = await buildFixture(env);
  ghost = ghostOf(fx.A);
});

afterAll(async () => {
  await env?.close();
});

/** A side whose every object does not exist (fresh ids, codes nobody has). */
function ghostOf(a: Side): Side {
  const uuid = () => `01a2188e-${(counter++).toString(16).padStart(4, '0')}-7000-8000-${'0'.repeat(12)}`;
  const g = { ...a } as Record<string, unknown>;
  for (const [k, v] of Object.entries(a)) if (typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v)) g[k] = uuid();
  return {
    ...(g as unknown as Side),
    communityCode: '110101009999',
    gridCode: '110101009999001',
    trackingCode: 'ZZZZ-ZZZZ-ZZZZ-ZZZZ',
    caseNumber: '110101-2099-999999',
    componentCode: '1101019999999999',
    adminUsername: 'ghost_nobody',
  };
}

function fill(url: string, params: Record<string, string>): string {
  return url.replace(/:([A-Za-z0-9_]+)|\*/g, (m, name: string | undefined) => encodeURIComponent(params[name ?? '*'] ?? m));
}

function requestOf(route: RouteInfo, probe: Probe, p: Principal): InjectOptions & { url: string; text: string } {
  const query = new URLSearchParams(probe.query ?? {}).toString();
  const url = fill(route.url, probe.params ?? {}) + (query ? `?${query}` : '');
  let payload: string | Buffer | undefined;
  const headers: Record<string, string> = { ...p.headers, ...probe.headers };
  if (probe.multipart) {
    const m = multipart(probe.multipart.fields, probe.multipart.files);
    payload = m.payload;
    Object.assign(headers, m.headers);
  } else if (probe.body !== undefined) {
    payload = JSON.stringify(probe.body);
    headers['content-type'] = 'application/json';
  }
  counter++;
  const remoteAddress = `10.${(counter >> 16) & 255}.${(counter >> 8) & 255}.${counter & 255}`;
  const text = `${decodeURIComponent(url)} ${typeof payload === 'string' ? payload : JSON.stringify(probe.multipart?.fields ?? {})}`;
  return { method: route.method as 'GET', url, headers, payload, remoteAddress, text };
}

/** The answer as text to search: gzip undone, XLSX workbooks opened and their cells read. */
async function textOf(a: Answer): Promise<string> {
  const type = String(a.headers['content-type'] ?? '');
  const body = a.headers['content-encoding'] === 'gzip' ? gunzipSync(a.body) : a.body;
  if (type.includes('spreadsheetml') && a.status < 300) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(body as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.text)))));
    return cells.join('\n');
  }
  return body.toString('utf8');
}

/** B's values found in an answer, except those the request itself named and kinds the route shows by design. */
function leaks(text: string, markers: Marker[], rule: RouteRule, requestText: string): Marker[] {
  return markers.filter((m) => !(rule.publicKinds ?? []).includes(m.kind) && !requestText.includes(m.value) && shows(text, m));
}

const codeOf = (a: Answer) => {
  try {
    return (JSON.parse(a.body.toString('utf8')) as { code?: string }).code ?? '';
  } catch {
    return '';
  }
};

describe('access matrix', () => {
  it('classifies every route of the live route table in access-table.ts, and no route that is gone', () => {
    const unclassified = env.routes.filter((r) => !ruleFor(r)).map((r) => r.key);
    expect(
      unclassified,
      `These routes are not in src/server/security/access-table.ts. Add each to ROUTES with the class of callers it serves ` +
        `(and a probe if it takes parameters or a body), so that the access matrix and the review cover it:\n  ${unclassified.join('\n  ')}`,
    ).toEqual([]);
    const live = new Set(env.routes.map((r) => r.key));
    const stale = Object.keys(ROUTES).filter((k) => !live.has(k));
    expect(stale, 'access-table.ts lists routes that no longer exist: remove them').toEqual([]);
  });

  it('answers every principal on every route as the table says, and never shows the other area', { timeout: 1_800_000 }, async () => {
    const problems: string[] = [];
    const markers = markersOf(fx.B);
    let sent = 0;
    const started = Date.now();
    const readAs = fx.principals.find((p) => p.name === 'admin')!;
    const read = async (url: string) => (await env.app.inject({ method: 'GET', url, headers: readAs.headers })).json() as unknown;
    for (const route of env.routes) {
      const rule = ruleFor(route);
      if (!rule || rule.stream) continue;
      const cls = CLASSES[rule.class];
      for (const p of fx.principals) {
        const answers: Record<Which, Answer[]> = { in: [], out: [], ghost: [] };
        const texts: string[] = [];
        for (const which of rule.scoped ? (['in', 'out', 'ghost'] as const) : (['in'] as const)) {
          const side = which === 'in' ? fx.A : which === 'out' ? fx.B : ghost;
          const c: ProbeContext = { fx, principal: p, which, read, unique: () => `${Date.now().toString(36)}${counter++}` };
          const built = rule.probe ? await rule.probe(side, c) : {};
          for (const probe of Array.isArray(built) ? built : [built]) {
            const req = requestOf(route, probe, p);
            env.errors.last = null;
            const a = await send(env.app, req);
            sent++;
            answers[which].push(a);
            const text = await textOf(a);
            if (which === 'in') texts.push(text);
            const found = leaks(text, markers, rule, req.text);
            if (a.status >= 500) problems.push(`${route.key} as ${p.name} (${which}): ${a.status} ${(env.errors.last as Error | null)?.message ?? ''}`);
            if (found.length > 0) {
              problems.push(`${route.key} as ${p.name} (${which}, ${req.url.slice(0, 120)}): shows B's ${found.map((m) => `${m.label}=${m.value}`).join(', ')}`);
            }
          }
        }
        const where = `${route.key} as ${p.name}`;
        const show = (a: Answer) => `${a.status} ${a.body.toString('utf8').slice(0, 160)}`;
        if (!allows(cls, p)) {
          const want = refusalOf(cls, p);
          for (const a of [...answers.in, ...answers.out, ...answers.ghost]) {
            if (a.status !== want) problems.push(`${where}: expected ${want} (class ${rule.class}), got ${show(a)}`);
          }
          continue;
        }
        const okList = rule.okFor?.[p.name] ?? rule.ok;
        const ok = (s: number) => (okList ? okList.includes(s) : s >= 200 && s < 300);
        for (const a of answers.in) if (!ok(a.status)) problems.push(`${where} (A's objects): expected ${okList?.join('/') ?? '2xx'}, got ${show(a)}`);
        answers.out.forEach((a, i) => {
          const g = answers.ghost[i]!;
          if (!(rule.out ?? [404]).includes(a.status)) problems.push(`${where} (B's objects): expected ${(rule.out ?? [404]).join('/')}, got ${show(a)}`);
          if (a.status !== g.status || codeOf(a) !== codeOf(g)) problems.push(`${where}: B's object answers ${show(a)} but a nonexistent one ${show(g)}`);
        });
        if (rule.sees && answers.in.every((a) => ok(a.status) && a.status < 300)) {
          const all = texts.join('\n');
          const mine = markersOf(fx.A);
          const missing = rule.sees.filter((k) => !shows(all, mine.find((m) => m.label === k) ?? { kind: 'case', label: k, value: String(fx.A[k]) }));
          if (missing.length > 0) problems.push(`${where}: A's ${missing.join(', ')} missing from the answer (the probe found no data)`);
        }
      }
    }
    console.log(`access matrix: ${sent} requests, ${fx.principals.length} principals, ${env.routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('gives a grid worker no figures of the grids next to theirs through a node above it', async () => {
    const gw = fx.principals.find((p) => p.name === 'grid_worker')!;
    const get = async (url: string) => {
      const r = await env.app.inject({ method: 'GET', url, headers: gw.headers });
      return { status: r.statusCode, body: r.json() as { items?: Array<{ jurisdictionId?: string; gridId?: string | null }> } };
    };
    const completeness = await get(`/api/completeness?jurisdiction=${fx.A.communityId}`);
    if (completeness.status === 200) expect(completeness.body.items!.map((i) => i.jurisdictionId)).toEqual([fx.A.gridId]);
    else expect(completeness.status).toBe(404);
    const missing = await get(`/api/completeness/missing?jurisdiction=${fx.A.communityId}&kind=buildings_without_households`);
    for (const i of missing.body.items ?? []) expect(i.gridId).toBe(fx.A.gridId);
    const cases = await get(`/api/cases?jurisdiction=${fx.A.communityId}&limit=200`);
    expect(cases.status).toBe(200);
    for (const i of cases.body.items ?? []) expect(i.gridId).toBe(fx.A.gridId);
  });

  it('streams case events of A to A, and none of B', { timeout: 120_000 }, async () => {
    const rule = ROUTES['GET /api/stream']!;
    const streams: Array<{ p: Principal; allowed: boolean; status: number; stream: LiveStream }> = [];
    for (const p of fx.principals) {
      const s = await openStream(env.app, '/api/stream', p.headers);
      const allowed = allows(CLASSES[rule.class], p);
      expect(s.status, `/api/stream as ${p.name}`).toBe(allowed ? 200 : refusalOf(CLASSES[rule.class], p));
      streams.push({ p, allowed, ...s });
    }
    try {
      const b = await fx.newCase('B');
      const a = await fx.newCase('A');
      const deadline = Date.now() + 10_000;
      const heard = () => streams.filter((s) => s.allowed).every((s) => s.stream.text().includes(a.caseId));
      while (!heard() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      for (const s of streams) {
        const text = s.stream.text();
        if (s.allowed) expect(text, `${s.p.name} hears A's case`).toContain(a.caseId);
        for (const v of [b.caseId, b.caseNumber, b.trackingCode, fx.B.caseId, fx.B.caseNumber]) expect(text, `${s.p.name} hears B's case`).not.toContain(v);
      }
    } finally {
      for (const s of streams) s.stream.close();
    }
  });
});
