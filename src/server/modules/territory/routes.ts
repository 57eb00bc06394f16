import { Type } from '@fastify/type-provider-typebox';
import type { App, AppContext } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import type { JurisdictionRow } from './store.ts';

const Level = Type.Union(['city', 'district', 'street', 'community', 'grid', 'compound'].map((l) => Type.Literal(l)));

const Jurisdiction = Type.Object({
  id: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  level: Type.String(),
  code: Type.String(),
  name: Type.String(),
  names: NamesSchema,
  path: Type.String(),
  inScope: Type.Boolean(),
});

const JurisdictionDetail = Type.Intersect([
  Jurisdiction,
  Type.Object({
    areaM2: Type.Union([Type.Number(), Type.Null()]),
    validFrom: Type.String({ format: 'date-time' }),
    validTo: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  }),
]);

const NodeRef = Type.Object({ id: Type.String(), code: Type.String(), level: Type.String(), name: Type.String(), names: NamesSchema });

const ImportReport = Type.Object({
  applied: Type.Boolean(),
  features: Type.Integer(),
  toleranceM2: Type.Number(),
  created: Type.Integer(),
  redrawn: Type.Integer(),
  renamed: Type.Integer(),
  unchanged: Type.Integer(),
  problems: Type.Array(
    Type.Object({
      kind: Type.String(),
      codes: Type.Array(Type.String()),
      feature: Type.Optional(Type.Integer()),
      areaM2: Type.Optional(Type.Number()),
      message: Type.String(),
    }),
  ),
});

function present(r: JurisdictionRow, locale: ReturnType<typeof negotiateLocale>) {
  const names = { 'zh-Hant': r.nameZhHant, 'zh-Hans': r.nameZhHans, en: r.nameEn };
  return { id: r.id, parentId: r.parentId, level: r.level, code: r.code, name: names[locale], names, path: r.path, inScope: r.inScope };
}

export function territoryRoutes(ctx: AppContext) {
  return async (app: App) => {
    app.get(
      '/api/jurisdictions',
      {
        schema: {
          tags: ['territory'],
          summary: 'Jurisdiction nodes visible to the caller: their subtrees, and the ancestors above (inScope false)',
          querystring: Type.Object({
            parentId: Type.Optional(Type.String({ maxLength: 64 })),
            level: Type.Optional(Level),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
            cursor: Type.Optional(Type.String({ maxLength: 400 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(Jurisdiction), next: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'territory.read');
        const locale = negotiateLocale(req.headers['accept-language']);
        const r = await ctx.territory.list(caller, req.query);
        return { items: r.items.map((i) => present(i, locale)), next: r.next };
      },
    );

    app.get(
      '/api/jurisdictions/:id',
      {
        schema: {
          tags: ['territory'],
          summary: 'One jurisdiction node (404 outside scope and for malformed ids)',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 200: JurisdictionDetail, ...errorResponses },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'territory.read');
        const r = await ctx.territory.get(caller, req.params.id);
        return {
          ...present(r, negotiateLocale(req.headers['accept-language'])),
          areaM2: r.areaM2,
          validFrom: r.validFrom.toISOString(),
          validTo: r.validTo?.toISOString() ?? null,
        };
      },
    );

    app.get(
      '/api/territory/export',
      {
        schema: {
          tags: ['territory'],
          summary: 'The territory within scope as a GeoJSON FeatureCollection (properties code, level, name, parentCode)',
          querystring: Type.Object({ level: Type.Optional(Level) }),
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'territory.read');
        reply.type('application/geo+json; charset=utf-8');
        return ctx.territory.exportGeoJson(caller, req.query.level);
      },
    );

    app.post(
      '/api/territory/import',
      {
        bodyLimit: 64 * 1024 * 1024,
        schema: {
          tags: ['territory'],
          summary:
            'Import a GeoJSON FeatureCollection; refused with a report (overlaps, gaps, children outside parents, codes, ' +
            'geometry) when anything is wrong, in which case nothing changes',
          querystring: Type.Object({
            toleranceM2: Type.Number({ minimum: 0, maximum: 1_000_000, default: 1 }),
            dryRun: Type.Boolean({ default: false }),
          }),
          body: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }, { additionalProperties: true }),
          response: { 200: ImportReport, ...errorResponses },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'territory.import');
        const report = await ctx.territory.importGeoJson(caller, req.body, { toleranceM2: req.query.toleranceM2, dryRun: req.query.dryRun });
        if (report.problems.length > 0) {
          throw new AppError('TERRITORY_INVALID', { field: 'features', params: { count: report.problems.length }, details: report });
        }
        return report;
      },
    );

    app.get(
      '/api/territory/outline',
      {
        config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
        schema: {
          tags: ['territory'],
          summary: 'Public outline of the city for maps: simplified district and street boundaries, names and codes',
        },
      },
      async (req, reply) => {
        reply.type('application/geo+json; charset=utf-8').header('cache-control', 'public, max-age=300');
        const locale = negotiateLocale(req.headers['accept-language']);
        return ctx.territory.outline(locale);
      },
    );

    app.get(
      '/api/territory/districts',
      {
        schema: {
          tags: ['territory'],
          summary: 'Every district of the city with its names (public): e.g. where a case may be transferred',
          response: { 200: Type.Object({ items: Type.Array(NodeRef) }) },
        },
      },
      async (req) => {
        const locale = negotiateLocale(req.headers['accept-language']);
        return { items: ctx.territory.districts().map((d) => ({ ...d, name: d.names[locale] })) };
      },
    );

    app.get(
      '/api/grids/locate',
      {
        config: { rateLimit: { max: 600, timeWindow: '1 minute' } },
        schema: {
          tags: ['territory'],
          summary: 'The grid and its ancestors holding a point (public). 404 OUTSIDE_GRIDS with the nearest grid otherwise.',
          querystring: Type.Object({
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            lng: Type.Number({ minimum: -180, maximum: 180 }),
            coordSys: Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], { default: 'wgs84' }),
          }),
          response: {
            200: Type.Object({ grid: NodeRef, ancestors: Type.Array(NodeRef), point: Type.Object({ lat: Type.Number(), lng: Type.Number() }) }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const locale = negotiateLocale(req.headers['accept-language']);
        const r = ctx.territory.locate(req.query.lat, req.query.lng, req.query.coordSys);
        const named = <T extends { names: { 'zh-Hant': string; 'zh-Hans': string; en: string } }>(n: T) => ({ ...n, name: n.names[locale] });
        return { grid: named(r.grid), ancestors: r.ancestors.map(named), point: r.point };
      },
    );
  };
}
