import { sql } from 'kysely';
import { systemCaller, type Role } from '../../db/caller.ts';
import { idChecksum } from '../../domain/id-number.ts';
import { randomSecret } from '../../domain/ids.ts';
import { login } from '../../testing/context.ts';
import { multipart, TINY_JPEG } from '../../testing/uploads.ts';
import { sha256 } from '../modules/identity/service.ts';
import { insertSession } from '../modules/identity/store.ts';
import type { SecurityEnv } from './env.ts';

/**
 * Two scopes side by side: community A (where every test principal works; the grid worker in its grid A1) and
 * community B next to it, each holding one of every object: a case (dispatched, with a photo), a person with a
 * household, a building, a place, a component, an import, a routing rule, an admin with an API token. Objects of B
 * must never show to A's principals; objects of A are what they should see.
 */
export const STAFF_ROLES = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker', 'department_staff'] as const satisfies readonly Role[];
export const PASSWORD = 'security-test-1';

export type PrincipalName = (typeof STAFF_ROLES)[number] | 'public' | 'token_read' | 'token_open311';

export interface Principal {
  name: PrincipalName;
  kind: 'public' | 'session' | 'token';
  /** The role of the user behind a session or token. */
  role: Role | null;
  /** A token's capability scopes; null for sessions and the public. */
  scopes: string[] | null;
  userId: string | null;
  username: string | null;
  headers: Record<string, string>;
  /** The token's id, so that a run never revokes the token it is using. */
  tokenId: string | null;
}

export interface Side {
  communityId: string;
  communityCode: string;
  communityName: string;
  gridId: string;
  gridCode: string;
  point: { lat: number; lng: number };
  caseId: string;
  caseNumber: string;
  trackingCode: string;
  caseDescription: string;
  reporterName: string;
  reporterPhone: string;
  photoId: string;
  personId: string;
  personName: string;
  idNumber: string;
  phone: string;
  householdId: string;
  householdNumber: string;
  buildingId: string;
  buildingAddress: string;
  placeId: string;
  placeName: string;
  componentId: string;
  componentCode: string;
  /** Where the side's building, place and component stand. */
  registryPoint: { lat: number; lng: number };
  organisationId: string;
  organisationName: string;
  contactName: string;
  contactPhone: string;
  chiefName: string;
  chiefPhone: string;
  importId: string;
  routingRuleId: string;
  adminUsername: string;
  adminUserId: string;
  tokenId: string;
}

/** What a marker is, which decides where it may show by design (see `publicKinds` in the access table). */
export type MarkerKind = 'jurisdiction' | 'case.public' | 'case' | 'secret' | 'personal' | 'registry' | 'identity' | 'job';

export interface Marker {
  kind: MarkerKind;
  label: keyof Side;
  value: string;
  /** A position: found as any coordinate pair within about a metre, however it was rounded or written. */
  point?: { lat: number; lng: number };
}

const KINDS: Partial<Record<keyof Side, MarkerKind>> = {
  communityId: 'jurisdiction',
  communityCode: 'jurisdiction',
  communityName: 'jurisdiction',
  gridId: 'jurisdiction',
  gridCode: 'jurisdiction',
  caseNumber: 'case.public',
  caseDescription: 'case.public',
  photoId: 'case.public',
  caseId: 'case',
  trackingCode: 'secret',
  reporterName: 'personal',
  reporterPhone: 'personal',
  personName: 'personal',
  idNumber: 'personal',
  phone: 'personal',
  personId: 'registry',
  householdId: 'registry',
  householdNumber: 'registry',
  buildingId: 'registry',
  buildingAddress: 'registry',
  placeId: 'registry',
  placeName: 'registry',
  componentId: 'registry',
  componentCode: 'registry',
  registryPoint: 'registry',
  organisationId: 'registry',
  organisationName: 'registry',
  contactName: 'personal',
  contactPhone: 'personal',
  chiefName: 'personal',
  chiefPhone: 'personal',
  adminUsername: 'identity',
  adminUserId: 'identity',
  tokenId: 'identity',
  importId: 'job',
  routingRuleId: 'job',
};

export function markersOf(side: Side): Marker[] {
  return (Object.entries(KINDS) as Array<[keyof Side, MarkerKind]>).map(([label, kind]) => {
    const v = side[label];
    return typeof v === 'object' ? { kind, label, value: `${v.lng},${v.lat}`, point: v } : { kind, label, value: String(v) };
  });
}

/** Does a text (JSON, CSV, GeoJSON, HTML, an SSE stream) show the marker? */
export function shows(text: string, m: Marker): boolean {
  if (!m.point) return text.includes(m.value);
  const { lat, lng } = m.point;
  for (const [, x, y] of text.matchAll(/(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)/g)) {
    if (Math.abs(Number(x) - lng) < 1.5e-5 && Math.abs(Number(y) - lat) < 1.5e-5) return true;
  }
  return false;
}

export interface Fixture {
  principals: Principal[];
  A: Side;
  B: Side;
  departmentId: string;
  departmentCode: string;
  /** A session for the user of a principal that no other request uses (logout ends the session it is sent with). */
  freshSession(p: Principal): Promise<Record<string, string>>;
  /** A new token of the principal's user (deleting a token must be tried on one nobody else uses). */
  freshToken(p: Principal): Promise<string>;
  /** A new routing rule on a side's grid. */
  freshRoutingRule(side: Side): Promise<string>;
  /** Another case in a side's grid, walked to `dispatched` (events for the live-stream test). */
  newCase(tag: 'A' | 'B'): Promise<{ caseId: string; caseNumber: string; trackingCode: string }>;
}

function idNumber(seq: number): string {
  const first17 = `11010119800101${String(seq).padStart(3, '0')}`;
  return first17 + idChecksum(first17);
}

function csv(rows: string[][]): Buffer {
  return Buffer.from(rows.map((r) => r.join(',')).join('\r\n'), 'utf8');
}

export async function buildFixture(env: SecurityEnv): Promise<Fixture> {
  const { app, ctx, db } = env;
  const system = systemCaller('security-fixture');
  const sys = <T>(fn: Parameters<typeof db.run<T>>[1]) => db.run(system, fn);
  const seeded = {
    admin: await login(app, 'admin'),
    clerk: await login(app, 'clerk'),
    shiftlead: await login(app, 'shiftlead'),
    dispatcher: await login(app, 'dispatcher'),
  };

  const communities = await sys(async (trx) =>
    (
      await sql<{ id: string; code: string; name: string; path: string }>`select id::text as id, code, name_zh_hans as name,
        path::text as path from jurisdiction where level = 'community' and valid_to is null order by code`.execute(trx)
    ).rows,
  );
  if (communities.length < 3) throw new Error('the security fixture needs three communities in the test city');
  const dept = await sys(async (trx) =>
    (await sql<{ id: string; code: string }>`select id::text as id, code from department where kind = 'sanitation' order by code limit 1`.execute(trx)).rows[0]!,
  );

  async function firstGrid(communityPath: string) {
    return sys(async (trx) =>
      (
        await sql<{ id: string; code: string; lat: number; lng: number; rlat: number; rlng: number }>`select id::text as id, code,
          st_y(st_pointonsurface(geom)) as lat, st_x(st_pointonsurface(geom)) as lng,
          st_y(r) as rlat, st_x(r) as rlng
          from jurisdiction, st_pointonsurface(st_difference(geom, st_buffer(st_pointonsurface(geom), 0.0003))) as r
          where level = 'grid' and valid_to is null and path <@ ${communityPath}::ltree order by code limit 1`.execute(trx)
      ).rows[0]!,
    );
  }

  async function createUser(username: string, role: Role, jurisdictionCode: string) {
    await ctx.identity.createUser(system, {
      username,
      password: PASSWORD,
      role,
      jurisdictionCode,
      departmentCode: role === 'department_staff' ? dept.code : null,
    });
    const id = await sys(async (trx) => (await sql<{ id: string }>`select id::text as id from app_user where username = ${username}`.execute(trx)).rows[0]!.id);
    return id;
  }

  async function mintSession(userId: string): Promise<Record<string, string>> {
    const sessionId = randomSecret(32);
    const csrf = randomSecret(24);
    await sys((trx) => insertSession(trx, { idHash: sha256(sessionId), userId, csrfToken: csrf, ip: null, ttlHours: 24 }));
    return { cookie: `gl_session=${app.signCookie(sessionId)}`, 'x-csrf-token': csrf };
  }

  async function api(method: 'POST' | 'GET' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) {
    env.errors.last = null;
    const res = await app.inject({ method, url, headers, payload: payload as never });
    if (res.statusCode >= 300) {
      const cause = (env.errors.last as Error | null)?.message;
      throw new Error(`security fixture: ${method} ${url} answered ${res.statusCode} ${res.body}${cause ? ` (${cause})` : ''}`);
    }
    return res.json() as Record<string, unknown>;
  }

  async function importCsv(headers: Record<string, string>, kind: string, file: Buffer): Promise<string> {
    const m = multipart({ kind, mode: 'update' }, [{ field: 'file', name: `${kind}.csv`, type: 'text/csv', data: file }]);
    const { id } = (await api('POST', '/api/imports', { ...headers, ...m.headers }, m.payload)) as { id: string };
    await ctx.registry.wait(id);
    const status = await api('GET', `/api/imports/${id}`, headers);
    if (status.status !== 'done' || status.rowsRefused !== 0) throw new Error(`security fixture: import ${kind} ${JSON.stringify(status)}`);
    return id;
  }

  const cases: Partial<Record<'A' | 'B', () => Promise<{ caseId: string; caseNumber: string; trackingCode: string }>>> = {};

  /** A case reported with a photo in a grid, walked to `dispatched` (sanitation) by the district's seeded staff. */
  async function dispatchedCase(grid: { lat: number; lng: number }, worker: Record<string, string>, fields: Record<string, string>) {
    const up = multipart({ categoryCode: 'E0102', lat: String(grid.lat), lng: String(grid.lng), ...fields }, [
      { field: 'photos', name: 'p.jpg', type: 'image/jpeg', data: TINY_JPEG },
    ]);
    const reported = (await api('POST', '/api/reports', up.headers, up.payload)) as { caseId: string; caseNumber: string; trackingCode: string };
    const act = (who: Record<string, string>, action: string, body: Record<string, unknown> = {}) =>
      api('POST', `/api/cases/${reported.caseId}/actions/${action}`, who, body);
    await act(seeded.clerk.headers, 'accept', { duplicatesReviewed: true });
    await act(worker, 'confirm', { note: 'seen' });
    await act(seeded.shiftlead.headers, 'register', { categoryCode: 'E0102', priority: 'normal' });
    await act(seeded.dispatcher.headers, 'dispatch', { departmentId: dept.id });
    return reported;
  }

  async function side(tag: 'A' | 'B', community: { id: string; code: string; name: string; path: string }, seq: number): Promise<Side> {
    const grid = await firstGrid(community.path);
    const lower = tag.toLowerCase();
    const adminUsername = `sec${lower}_admin`;
    const adminUserId = await createUser(adminUsername, 'admin', community.code);
    const gridWorker = `sec${lower}_grid_worker`;
    const gridWorkerId = await createUser(gridWorker, 'grid_worker', grid.code);
    const admin = await mintSession(adminUserId);
    const worker = await mintSession(gridWorkerId);
    const token = await ctx.identity.createToken(system, { username: adminUsername, name: `fixture ${tag}`, scopes: ['read'] });

    const marker = `${tag}${randomSecret(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
    const caseDescription = `越界檢查${marker}案件`;
    const reporterName = `報案人${marker}`;
    const reporterPhone = `1390000${String(seq).padStart(4, '0')}`;
    const newCase = () => dispatchedCase(grid, worker, { description: caseDescription, reporterName, reporterPhone, deviceId: `sec-${marker}-${randomSecret(4)}` });
    cases[tag] = newCase;
    const reported = await newCase();
    const detail = (await api('GET', `/api/cases/${reported.caseId}`, seeded.admin.headers)) as { attachments: Array<{ id: string }> };
    const photoId = detail.attachments[0]!.id;

    // Basic data, imported by the side's own admin (so that the import job belongs to the side).
    const buildingAddress = `界測路${marker}號樓`;
    const householdNumber = `H${marker}`;
    const personName = `界測${marker}人`;
    const placeName = `界測${marker}場所`;
    const componentCode = `1101010101${tag === 'A' ? '8' : '9'}${String(seq).padStart(5, '0')}`;
    const phone = `1370000${String(seq).padStart(4, '0')}`;
    // Basic data stands apart from the case (whose position is public through Open311), so that its coordinates mark
    // it: map layers carry no ids.
    const at = [String(grid.rlng), String(grid.rlat)];
    await importCsv(admin, 'buildings', csv([['地址', '楼栋名称', '经度', '纬度'], [buildingAddress, `${marker}楼`, ...at]]));
    await importCsv(admin, 'households', csv([['户号', '住址'], [householdNumber, buildingAddress]]));
    // By the grid worker: an import job belongs to its importer's node, and every principal of A sees the grid's.
    const importId = await importCsv(
      worker,
      'persons',
      csv([['姓名', '身份证号', '联系电话', '住址', '户号'], [personName, idNumber(seq), phone, buildingAddress, householdNumber]]),
    );
    await importCsv(admin, 'places', csv([['场所类型', '场所名称', '地址', '经度', '纬度'], ['市场', placeName, buildingAddress, ...at]]));
    await importCsv(admin, 'components', csv([['部件编码', '部件名称', '经度', '纬度'], [componentCode, `${marker}井盖`, ...at]]));
    const ids = await sys(async (trx) => {
      const one = async (q: ReturnType<typeof sql<{ id: string }>>) => (await q.execute(trx)).rows[0]!.id;
      return {
        personId: await one(sql`select id::text as id from person where name = ${personName}`),
        householdId: await one(sql`select id::text as id from household where number = ${householdNumber}`),
        buildingId: await one(sql`select id::text as id from building where address = ${buildingAddress}`),
        placeId: await one(sql`select id::text as id from place where name = ${placeName}`),
        componentId: await one(sql`select id::text as id from component where code = ${componentCode}`),
      };
    });
    // Rules, organisations and responsibilities sit on the grid, the one node every principal of A has in scope.
    const rule = (await api('POST', '/api/routing-rules', seeded.admin.headers, {
      categoryCode: 'E0102',
      jurisdictionId: grid.id,
      departmentId: dept.id,
    })) as { id: string };
    const organisationName = `界測${marker}物業`;
    const contactName = `聯絡${marker}`;
    const contactPhone = `1360000${String(seq).padStart(4, '0')}`;
    const organisation = (await api('POST', '/api/organisations', seeded.admin.headers, {
      kind: 'property_company',
      name: organisationName,
      jurisdictionId: grid.id,
      contactName,
      contactPhone,
    })) as { id: string };
    const chiefName = `網格長${marker}`;
    const chiefPhone = `1350000${String(seq).padStart(4, '0')}`;
    await api('PUT', `/api/grids/${grid.id}/responsibility`, seeded.admin.headers, {
      entries: [{ jurisdictionId: grid.id, role: 'grid_chief', name: chiefName, phone: chiefPhone }],
    });

    return {
      communityId: community.id,
      communityCode: community.code,
      communityName: community.name,
      gridId: grid.id,
      gridCode: grid.code,
      point: { lat: grid.lat, lng: grid.lng },
      caseId: reported.caseId,
      caseNumber: reported.caseNumber,
      trackingCode: reported.trackingCode,
      caseDescription,
      reporterName,
      reporterPhone,
      photoId,
      ...ids,
      personName,
      idNumber: idNumber(seq),
      phone,
      householdNumber,
      buildingAddress,
      placeName,
      componentCode,
      registryPoint: { lat: grid.rlat, lng: grid.rlng },
      organisationId: organisation.id,
      organisationName,
      contactName,
      contactPhone,
      chiefName,
      chiefPhone,
      importId,
      routingRuleId: rule.id,
      adminUsername,
      adminUserId,
      tokenId: token.id,
    };
  }

  // Communities 2 and 3: the first one is where the seeded grid worker and other suites work.
  const A = await side('A', communities[1]!, 101);
  const B = await side('B', communities[2]!, 202);

  const principals: Principal[] = [{ name: 'public', kind: 'public', role: null, scopes: null, userId: null, username: null, headers: {}, tokenId: null }];
  for (const role of STAFF_ROLES) {
    const username = role === 'admin' ? A.adminUsername : role === 'grid_worker' ? 'seca_grid_worker' : `seca_${role}`;
    const userId =
      role === 'admin' || role === 'grid_worker'
        ? await sys(async (trx) => (await sql<{ id: string }>`select id::text as id from app_user where username = ${username}`.execute(trx)).rows[0]!.id)
        : await createUser(username, role, A.communityCode);
    principals.push({ name: role, kind: 'session', role, scopes: null, userId, username, headers: await mintSession(userId), tokenId: null });
  }
  const clerk = principals.find((p) => p.name === 'intake_clerk')!;
  const admin = principals.find((p) => p.name === 'admin')!;
  for (const [name, owner, scopes] of [
    ['token_read', admin, ['read']],
    ['token_open311', clerk, ['open311', 'reports:write']],
  ] as const) {
    const t = await ctx.identity.createToken(system, { username: owner.username!, name, scopes: [...scopes] });
    principals.push({ name, kind: 'token', role: owner.role, scopes: [...scopes], userId: owner.userId, username: owner.username, headers: { authorization: `Bearer ${t.token}` }, tokenId: t.id });
  }

  return {
    principals,
    A,
    B,
    departmentId: dept.id,
    departmentCode: dept.code,
    freshSession: async (p) => (p.kind === 'session' && p.userId ? mintSession(p.userId) : p.headers),
    freshToken: async (p) => {
      if (!p.username) return '00000000-0000-7000-8000-000000000000';
      return (await ctx.identity.createToken(system, { username: p.username, name: 'fresh', scopes: ['read'] })).id;
    },
    newCase: (tag) => cases[tag]!(),
    freshRoutingRule: async (s) =>
      ((await api('POST', '/api/routing-rules', seeded.admin.headers, { categoryCode: null, jurisdictionId: s.gridId, departmentId: dept.id })) as { id: string }).id,
  };
}
