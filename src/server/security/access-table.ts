import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../db/caller.ts';
import type { Fixture, MarkerKind, Principal, PrincipalName, Side } from './fixture.ts';
import { PASSWORD } from './fixture.ts';
import type { RouteInfo } from './route-table.ts';

/**
 * THE ACCESS TABLE: who may call each route, and what it may show. Reviewed by hand; the access matrix test sends
 * every principal to every route with objects inside and outside its scope and holds the app to this file. A route
 * missing here fails that test: add it below with the class of callers it serves.
 *
 * Classes say which roles may call (sessions), which capability an API token needs besides, and whether the public
 * (no session) may. Scope is the database's job (row-level security): objects of another area answer 404, exactly as
 * an id that does not exist.
 */
const STAFF: Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker', 'department_staff'];
const AREA_STAFF: Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk', 'grid_worker'];
const DATA_KEEPERS: Role[] = ['admin', 'leader', 'shift_lead', 'grid_worker'];
const DESK: Role[] = ['admin', 'leader', 'shift_lead', 'dispatcher', 'intake_clerk'];

export interface AccessClass {
  /** Callers without a session may call. */
  public?: boolean;
  /** Roles whose sessions may call; 'all': any signed-in user. */
  roles: Role[] | 'all';
  /** The scope an API token needs (its user's role must be allowed too). */
  capability?: string;
  /** Only an API token with this scope (Open311 writes): everyone else is refused with 403. */
  tokenOnly?: string;
}

export const CLASSES = {
  public: { public: true, roles: 'all' },
  /** Reporting: anyone; a token needs reports:write. */
  report: { public: true, roles: 'all', capability: 'reports:write' },
  signedIn: { roles: 'all' },
  territoryRead: { roles: STAFF, capability: 'read' },
  territoryAdmin: { roles: ['admin'], capability: 'territory:write' },
  usersAdmin: { roles: ['admin'], capability: 'users:write' },
  tokens: { roles: STAFF, capability: 'users:write' },
  casesRead: { roles: STAFF, capability: 'read' },
  casesAct: { roles: STAFF, capability: 'cases:write' },
  casesReveal: { roles: DESK, capability: 'cases:write' },
  /**
   * Categories, routing rules and the working calendar. Note for review: categories and the calendar are city-wide,
   * yet any admin (an admin of one community too) may change them; routing rules are scoped.
   */
  referenceAdmin: { roles: ['admin'], capability: 'admin:write' },
  registryRead: { roles: AREA_STAFF, capability: 'read' },
  registryImport: { roles: DATA_KEEPERS, capability: 'territory:write' },
  registryExport: { roles: DATA_KEEPERS, capability: 'read' },
  registryReveal: { roles: ['admin', 'leader', 'shift_lead'], capability: 'admin:write' },
  organisationsAdmin: { roles: ['admin'], capability: 'admin:write' },
  commandRead: { roles: DESK, capability: 'read' },
  open311Write: { roles: 'all', tokenOnly: 'open311' },
} as const satisfies Record<string, AccessClass>;

export type ClassName = keyof typeof CLASSES;

/** Which object a scoped probe is built from: A's (in scope), B's (out of scope), or one that does not exist. */
export type Which = 'in' | 'out' | 'ghost';

export interface ProbeContext {
  fx: Fixture;
  principal: Principal;
  which: Which;
  /** GET as the community admin of A (to read the current value of what a probe writes back unchanged). */
  read(url: string): Promise<unknown>;
  unique(): string;
}

export interface Probe {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** A multipart body instead of JSON. */
  multipart?: { fields: Record<string, string>; files: Array<{ field: string; name: string; type: string; data: Uint8Array }> };
  headers?: Record<string, string>;
}

export interface RouteRule {
  class: ClassName;
  /** The request; several for one route (CSV and XLSX of an export). Built from A's objects unless `scoped`. */
  probe?: (s: Side, c: ProbeContext) => Probe | Probe[] | Promise<Probe | Probe[]>;
  /** The probe names an object: tried with A's, B's and a nonexistent one; B's must answer as the nonexistent. */
  scoped?: boolean;
  /** Statuses of an allowed call on A's objects (default: 2xx). */
  ok?: number[];
  /** Statuses of an allowed call for some principals, where the workflow says more than the class (see the entry). */
  okFor?: Partial<Record<PrincipalName, number[]>>;
  /** Statuses for B's objects (default: 404). */
  out?: number[];
  /** A's values an allowed caller must see in the answer (the probe reached real data). */
  sees?: Array<keyof Side>;
  /** Kinds of B's data this route shows by design (public territory, Open311's public case fields). */
  publicKinds?: MarkerKind[];
  /** Checked by the live-stream test instead of a single request. */
  stream?: boolean;
}

const asJson = (fields: Record<string, unknown>) => fields;
const reason = { reason: 'security review' };
const today = () => new Date().toISOString().slice(0, 10);

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

const OPEN311_PUBLIC: MarkerKind[] = ['case.public', 'jurisdiction'];
const open311Reads: Record<string, RouteRule> = {};
const open311Writes: Record<string, RouteRule> = {};
for (const suffix of ['', '.json', '.xml']) {
  open311Reads[`GET /open311/v2/discovery${suffix}`] = { class: 'public' };
  open311Reads[`GET /open311/v2/services${suffix}`] = { class: 'public' };
  open311Reads[`GET /open311/v2/requests${suffix}`] = { class: 'public', publicKinds: OPEN311_PUBLIC, sees: ['caseNumber'] };
  open311Writes[`POST /open311/v2/requests${suffix}`] = {
    class: 'open311Write',
    probe: (s) => ({ body: asJson({ service_code: 'E0102', lat: s.point.lat, long: s.point.lng, description: 'open311 probe' }) }),
  };
}

export const ROUTES: Record<string, RouteRule> = {
  'GET /api/health': { class: 'public' },
  'GET /api/config': { class: 'public' },
  // Anyone may try to log in (here as A's leader) and log out (a session of its own: logout ends it).
  'POST /api/auth/login': { class: 'public', probe: () => ({ body: { username: 'seca_leader', password: PASSWORD } }) },
  'POST /api/auth/logout': { class: 'public', probe: async (_s, c) => ({ headers: await c.fx.freshSession(c.principal) }) },
  'GET /api/me': { class: 'signedIn' },
  'POST /api/users': {
    class: 'usersAdmin',
    scoped: true,
    probe: (s, c) => ({ body: { username: `sec_new_${c.unique()}`, password: PASSWORD, role: 'grid_worker', jurisdictionCode: s.gridCode } }),
  },
  'POST /api/tokens': {
    class: 'tokens',
    scoped: true,
    // For oneself (A), or for another area's admin (B), who must be as unknown as a user who does not exist.
    probe: (s, c) => ({ body: { name: 'probe', scopes: ['read'], ...(c.which === 'in' ? {} : { username: s.adminUsername }) } }),
  },
  'GET /api/tokens': { class: 'tokens' },
  // One's own token (a new one, since it is revoked), or B's admin's, which must be as unknown as no token at all.
  'DELETE /api/tokens/:id': {
    class: 'tokens',
    scoped: true,
    probe: async (s, c) => ({ params: { id: c.which === 'in' ? await c.fx.freshToken(c.principal) : s.tokenId } }),
  },

  'GET /api/jurisdictions': { class: 'territoryRead', probe: () => ({ query: { limit: '5000' } }), sees: ['gridId'] },
  'GET /api/jurisdictions/:id': { class: 'territoryRead', scoped: true, probe: (s) => ({ params: { id: s.gridId } }), sees: ['gridCode'] },
  'GET /api/territory/export': { class: 'territoryRead', sees: ['gridCode'] },
  'POST /api/territory/import': {
    class: 'territoryAdmin',
    probe: () => ({ query: { dryRun: 'true' }, body: { type: 'FeatureCollection', features: [] } }),
    ok: [200, 422],
  },
  'GET /api/territory/outline': { class: 'public', publicKinds: ['jurisdiction'] },
  'GET /api/territory/districts': { class: 'public', publicKinds: ['jurisdiction'] },
  'GET /api/grids/locate': { class: 'public', probe: (s) => ({ query: { lat: String(s.point.lat), lng: String(s.point.lng) } }), publicKinds: ['jurisdiction'] },
  'GET /api/grids/:id/responsibility': { class: 'territoryRead', scoped: true, probe: (s) => ({ params: { id: s.gridId } }) },
  'PUT /api/grids/:id/responsibility': { class: 'territoryAdmin', scoped: true, probe: (s) => ({ params: { id: s.gridId }, body: { entries: [] } }) },

  // Admins and leaders have no intake channel: the service refuses their reports as bad input (the channel).
  'POST /api/reports': {
    class: 'report',
    probe: (s, c) => ({ body: { categoryCode: 'E0102', lat: s.point.lat, lng: s.point.lng, description: 'access probe', deviceId: `probe-${c.unique()}` } }),
    ok: [200, 201],
    okFor: { admin: [422], leader: [422] },
  },
  // By tracking code: whoever holds the code may follow the report, whichever area it is in.
  'GET /api/reports/:trackingCode': { class: 'public', probe: (s) => ({ params: { trackingCode: s.trackingCode } }), sees: ['caseNumber'] },
  'GET /api/reports/:trackingCode/photos/:id': { class: 'public', probe: (s) => ({ params: { trackingCode: s.trackingCode, id: s.photoId } }) },
  'POST /api/reports/:trackingCode/actions/:action': {
    class: 'public',
    probe: (s) => ({ params: { trackingCode: s.trackingCode, action: 'rate' }, body: { rating: 5 } }),
    ok: [200, 409],
  },
  'GET /api/cases': { class: 'casesRead', probe: () => ({ query: { limit: '200' } }), sees: ['caseId'] },
  'GET /api/cases/:id': { class: 'casesRead', scoped: true, probe: (s) => ({ params: { id: s.caseId } }), sees: ['caseNumber'] },
  'GET /api/cases/:id/photos/:photoId': { class: 'casesRead', scoped: true, probe: (s) => ({ params: { id: s.caseId, photoId: s.photoId } }) },
  'GET /api/cases/:id/timeline': { class: 'casesRead', scoped: true, probe: (s) => ({ params: { id: s.caseId } }) },
  'POST /api/cases/:id/reveal-reporter': {
    class: 'casesReveal',
    scoped: true,
    probe: (s) => ({ params: { id: s.caseId }, body: reason }),
    sees: ['reporterPhone'],
  },
  // Supervise: the leader may; others may try and are told the workflow refuses (409), never more about B's case.
  'POST /api/cases/:id/actions/:action': {
    class: 'casesAct',
    scoped: true,
    probe: (s) => ({ params: { id: s.caseId, action: 'supervise' }, body: { note: 'probe', dueDate: today() } }),
    ok: [200, 409, 422],
  },
  'GET /api/inbox': { class: 'casesRead', probe: () => ({ query: { limit: '500' } }) },
  'GET /api/stream': { class: 'casesRead', stream: true },
  'GET /api/categories': { class: 'public' },
  'GET /api/categories/:code': { class: 'public', probe: () => ({ params: { code: 'E0102' } }) },
  'PUT /api/categories/:code': {
    class: 'referenceAdmin',
    // Written back unchanged.
    probe: async (_s, c) => {
      const cur = (await c.read('/api/categories/E0102')) as Record<string, unknown>;
      const keys = ['names', 'registerCondition', 'closeCondition', 'defaultDepartmentKind', 'timeBase', 'limits', 'duplicateRadiusM'];
      const more = ['duplicateWindowMinutes', 'reporterMayVerify', 'afterPhotoRequired', 'caseType', 'attributes'];
      return { params: { code: 'E0102' }, body: pick(cur, [...keys, ...more]) };
    },
  },
  'GET /api/departments': { class: 'casesRead' },
  'GET /api/routing-rules': { class: 'casesRead', sees: ['routingRuleId'] },
  'POST /api/routing-rules': {
    class: 'referenceAdmin',
    scoped: true,
    probe: (s, c) => ({ body: { categoryCode: 'E0102', jurisdictionId: s.gridId, departmentId: c.fx.departmentId } }),
  },
  'DELETE /api/routing-rules/:id': {
    class: 'referenceAdmin',
    scoped: true,
    probe: async (s, c) => ({ params: { id: c.which === 'in' ? await c.fx.freshRoutingRule(s) : s.routingRuleId } }),
  },
  'GET /api/calendar': { class: 'casesRead' },
  'PUT /api/calendar/years/:year': {
    class: 'referenceAdmin',
    probe: async (_s, c) => {
      const cal = (await c.read('/api/calendar')) as { years: Array<{ year: number; holidays: string[]; workdays: string[] }> };
      const y = cal.years.at(-1)!;
      return { params: { year: String(y.year) }, body: { holidays: y.holidays, workdays: y.workdays } };
    },
  },
  'PUT /api/calendar/working-hours': {
    class: 'referenceAdmin',
    probe: async (_s, c) => ({ body: { workingHours: ((await c.read('/api/calendar')) as { workingHours: unknown }).workingHours } }),
  },

  ...open311Reads,
  ...open311Writes,
  'GET /open311/v2/services/:file': { class: 'public', probe: () => ({ params: { file: 'E0102.json' } }) },
  'GET /open311/v2/requests/:file': { class: 'public', probe: (s) => ({ params: { file: `${s.caseNumber}.json` } }), publicKinds: OPEN311_PUBLIC, sees: ['caseNumber'] },
  'GET /open311/v2/tokens/:file': { class: 'public', probe: (s) => ({ params: { file: `${s.trackingCode}.json` } }), sees: ['caseNumber'] },
  'GET /open311/v2/media/:photoId': { class: 'public', probe: (s) => ({ params: { photoId: s.photoId } }) },

  'POST /api/imports': {
    class: 'registryImport',
    probe: (s) => ({
      multipart: {
        fields: { kind: 'buildings', mode: 'skip' },
        files: [{ field: 'file', name: 'b.csv', type: 'text/csv', data: Buffer.from(`地址,经度,纬度\r\n${s.buildingAddress},${s.point.lng},${s.point.lat}\r\n`) }],
      },
    }),
  },
  'GET /api/imports/:id': { class: 'registryImport', scoped: true, probe: (s) => ({ params: { id: s.importId } }) },
  'GET /api/imports/:id/errors': { class: 'registryImport', scoped: true, probe: (s) => ({ params: { id: s.importId } }) },
  'POST /api/imports/:id/cancel': { class: 'registryImport', scoped: true, probe: (s) => ({ params: { id: s.importId } }), ok: [409] },
  // Searches that would match both areas' records: only A's may come back.
  'GET /api/persons': { class: 'registryRead', probe: () => ({ query: { q: '界測' } }), sees: ['personId'] },
  'GET /api/persons/:id': { class: 'registryRead', scoped: true, probe: (s) => ({ params: { id: s.personId } }), sees: ['personName'] },
  'POST /api/persons/:id/reveal': { class: 'registryReveal', scoped: true, probe: (s) => ({ params: { id: s.personId }, body: reason }), sees: ['idNumber'] },
  'GET /api/buildings': { class: 'registryRead', probe: () => ({ query: { q: '界測路' } }), sees: ['buildingId'] },
  'GET /api/components': { class: 'registryRead', probe: (s) => ({ query: { code: s.componentCode.slice(0, 10) } }), sees: ['componentId'] },
  'GET /api/map/:layer': {
    class: 'registryRead',
    probe: (_s, c) => {
      const { A, B } = c.fx;
      const bbox = [Math.min(A.point.lng, B.point.lng) - 0.01, Math.min(A.point.lat, B.point.lat) - 0.01, Math.max(A.point.lng, B.point.lng) + 0.01, Math.max(A.point.lat, B.point.lat) + 0.01];
      return ['buildings', 'components'].map((layer) => ({ params: { layer }, query: { bbox: bbox.join(','), points: 'true' } }));
    },
    sees: ['buildingId', 'registryPoint'],
  },
  'GET /api/map/points': { class: 'registryRead', probe: () => ['buildings', 'components'].map((layer) => ({ query: { layer } })), sees: ['registryPoint'] },
  'GET /api/completeness': { class: 'registryRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }) },
  // B's node answers an empty list, as a node that does not exist: nothing is learnt.
  'GET /api/completeness/missing': {
    class: 'registryRead',
    scoped: true,
    probe: (s) => ({ query: { jurisdiction: s.gridId, kind: 'persons_incomplete' } }),
    out: [200, 404],
  },
  'GET /api/exports/:kind': {
    class: 'registryExport',
    probe: () =>
      ['persons', 'households', 'buildings', 'places', 'components'].flatMap((kind) => [{ params: { kind } }, { params: { kind }, query: { format: 'xlsx' } }]),
    sees: ['personName'],
  },
  'GET /api/organisations': { class: 'registryRead', probe: () => ({ query: { q: '界測' } }), sees: ['organisationId'] },
  'GET /api/organisations/:id': { class: 'registryRead', scoped: true, probe: (s) => ({ params: { id: s.organisationId } }), sees: ['organisationName'] },
  'POST /api/organisations': {
    class: 'organisationsAdmin',
    scoped: true,
    probe: (s, c) => ({ body: { kind: 'partner_unit', name: `probe ${c.unique()}`, jurisdictionId: s.gridId } }),
  },
  'PATCH /api/organisations/:id': { class: 'organisationsAdmin', scoped: true, probe: (s) => ({ params: { id: s.organisationId }, body: { address: 'probe' } }) },
  'POST /api/organisations/:id/reveal': { class: 'registryReveal', scoped: true, probe: (s) => ({ params: { id: s.organisationId }, body: reason }), sees: ['contactPhone'] },

  'GET /api/command/summary': { class: 'commandRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }), sees: ['gridCode'] },
  'GET /api/command/trend': { class: 'commandRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }) },
  'GET /api/command/points': { class: 'commandRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }), sees: ['caseId'] },
  'GET /api/command/shapes': { class: 'commandRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }) },
  'GET /api/command/indicators': {
    class: 'commandRead',
    scoped: true,
    probe: (s) => ['json', 'xlsx'].flatMap((format) => ['child', 'department', 'role'].map((by) => ({ query: { jurisdiction: s.gridId, by, format } }))),
  },
  'GET /api/command/attenuation': { class: 'commandRead', scoped: true, probe: (s) => ({ query: { jurisdiction: s.gridId } }) },
  'GET /api/command/bulletin': {
    class: 'commandRead',
    scoped: true,
    probe: (s) => ['html', 'xlsx', 'json'].map((format) => ({ query: { jurisdiction: s.gridId, format } })),
  },

  'GET /metrics': { class: 'public' },
};

const WEB_ROOT = fileURLToPath(new URL('../../../dist/web/', import.meta.url));

/** The rule for a route: its entry above, or the documentation and the built web app's files (public, no data). */
export function ruleFor(route: RouteInfo): RouteRule | null {
  const rule = ROUTES[route.key];
  if (rule) return rule;
  if (route.method === 'GET' || route.method === 'HEAD') {
    if (route.url === '/docs' || route.url.startsWith('/docs/')) {
      return { class: 'public', probe: () => (route.url.includes('*') ? { params: { '*': 'index.html' } } : {}), ok: [200, 302] };
    }
    if (!route.url.includes(':') && !route.url.includes('*') && (route.url === '/' || existsSync(`${WEB_ROOT}${route.url.slice(1)}`))) {
      return { class: 'public' };
    }
  }
  return null;
}

/** May this principal call a route of this class at all? */
export function allows(cls: AccessClass, p: Principal): boolean {
  if (cls.tokenOnly) return p.kind === 'token' && (p.scopes ?? []).includes(cls.tokenOnly);
  if (p.kind === 'public') return cls.public === true;
  if (cls.roles !== 'all' && !cls.roles.includes(p.role!)) return false;
  return p.kind !== 'token' || !cls.capability || (p.scopes ?? []).includes(cls.capability);
}

/** The refusal a principal gets from a class it may not call. */
export function refusalOf(cls: AccessClass, p: Principal): number {
  if (cls.tokenOnly) return 403;
  return p.kind === 'public' ? 401 : 403;
}
