import { Type } from '@fastify/type-provider-typebox';
import type { App, AppContext } from '../../app.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import { CHANNELS } from '../../../domain/workflow.ts';
import { INDICATOR_KEYS, type IndicatorKey } from './indicators.ts';
import { indicatorsWorkbook } from './indicators-xlsx.ts';

const Day = Type.String({ maxLength: 10, description: 'YYYY-MM-DD, a day in the city’s time zone (GRIDLOOP_TIMEZONE)' });
const Jurisdiction = Type.String({ maxLength: 64, description: 'a jurisdiction node id; default: your top node' });
const NodeRefSchema = Type.Object({
  id: Type.String(),
  level: Type.Union([Type.Literal('city'), Type.Literal('district'), Type.Literal('street'), Type.Literal('community'), Type.Literal('grid')]),
  code: Type.String(),
  name: NamesSchema,
});
const PeriodSchema = Type.Object({ from: Type.String(), to: Type.String() });
const IndicatorSchema = Type.Object({
  key: Type.Unsafe<IndicatorKey>(Type.String({ enum: [...INDICATOR_KEYS] })),
  numerator: Type.Integer(),
  denominator: Type.Integer(),
  value: Type.Union([Type.Number(), Type.Null()]),
});
const Indicators = Type.Array(IndicatorSchema);

const SummarySchema = Type.Object({
  asOf: Type.String(),
  period: PeriodSchema,
  node: NodeRefSchema,
  ancestors: Type.Array(NodeRefSchema),
  tiles: Type.Object({
    intakeToday: Type.Object({
      total: Type.Integer(),
      byChannel: Type.Object(Object.fromEntries(CHANNELS.map((c) => [c, Type.Integer()]))),
    }),
    open: Type.Integer(),
    overdue: Type.Integer(),
    onTimeClosureRate: IndicatorSchema,
    satisfactionRate: IndicatorSchema,
  }),
  indicators: Indicators,
  children: Type.Array(
    Type.Object({ node: NodeRefSchema, open: Type.Integer(), overdue: Type.Integer(), intake: Type.Integer(), indicators: Indicators }),
  ),
});

const PERIOD_DOC =
  'Periods are inclusive days in the city’s time zone, at most 366; default the last 30 days ending today. Every figure ' +
  'is as of `asOf` and equals the case list’s count for the same filters (see the command module README).';

/** The command center: summary, trend, points, shapes and indicator tables of a node in your subtree. */
export function commandRoutes(ctx: AppContext) {
  return async (app: App) => {
    app.get(
      '/api/command/summary',
      {
        schema: {
          tags: ['command'],
          summary: 'Tiles, the eight indicators and the child nodes’ figures of a node for a period',
          description: PERIOD_DOC,
          querystring: Type.Object({ jurisdiction: Type.Optional(Jurisdiction), from: Type.Optional(Day), to: Type.Optional(Day) }),
          response: { 200: SummarySchema, ...errorResponses },
        },
      },
      async (req) => {
        const { jurisdiction, from, to } = req.query;
        return ctx.command.summary(authorize(req.caller, 'command.read'), { jurisdictionId: jurisdiction, from, to });
      },
    );

    app.get(
      '/api/command/trend',
      {
        schema: {
          tags: ['command'],
          summary: 'Per day of the period: cases reported, registered and closed under a node',
          description: PERIOD_DOC,
          querystring: Type.Object({ jurisdiction: Type.Optional(Jurisdiction), from: Type.Optional(Day), to: Type.Optional(Day) }),
          response: {
            200: Type.Object({
              asOf: Type.String(),
              period: PeriodSchema,
              node: NodeRefSchema,
              days: Type.Array(
                Type.Object({ date: Type.String(), intake: Type.Integer(), registered: Type.Integer(), closed: Type.Integer() }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const { jurisdiction, from, to } = req.query;
        return ctx.command.trend(authorize(req.caller, 'command.read'), { jurisdictionId: jurisdiction, from, to });
      },
    );

    app.get(
      '/api/command/points',
      {
        schema: {
          tags: ['command'],
          summary: 'Open cases under a node as compact arrays: [lng, lat, light] (0 green, 1 yellow, 2 red, 3 parked) and ids',
          querystring: Type.Object({ jurisdiction: Type.Optional(Jurisdiction) }),
          response: {
            200: Type.Object({
              asOf: Type.String(),
              node: NodeRefSchema,
              points: Type.Array(Type.Array(Type.Number(), { minItems: 3, maxItems: 3 })),
              ids: Type.Array(Type.String()),
              truncated: Type.Boolean(),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.command.points(authorize(req.caller, 'command.read'), { jurisdictionId: req.query.jurisdiction }),
    );

    app.get(
      '/api/command/shapes',
      {
        schema: {
          tags: ['command'],
          summary: 'The outlines of a node’s children (GeoJSON, simplified) for the choropleth; join by id',
          querystring: Type.Object({ jurisdiction: Type.Optional(Jurisdiction) }),
          response: {
            200: Type.Object({
              type: Type.Literal('FeatureCollection'),
              asOf: Type.String(),
              features: Type.Array(
                Type.Object({
                  type: Type.Literal('Feature'),
                  id: Type.String(),
                  properties: Type.Object({
                    id: Type.String(),
                    level: Type.String(),
                    code: Type.String(),
                    name_zh_hant: Type.String(),
                    name_zh_hans: Type.String(),
                    name_en: Type.String(),
                  }),
                  geometry: Type.Unknown(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.command.shapes(authorize(req.caller, 'command.read'), { jurisdictionId: req.query.jurisdiction }),
    );

    app.get(
      '/api/command/indicators',
      {
        schema: {
          tags: ['command'],
          summary: 'The eight indicators per child node, department or role (or for the node), as JSON or XLSX',
          description:
            `${PERIOD_DOC} by=department: the case's current department; by=role: the cases in which the role took part ` +
            '(grid workers as inspectors: reports, on-site checks and verifications; see the README).',
          querystring: Type.Object({
            jurisdiction: Type.Optional(Jurisdiction),
            by: Type.Union([Type.Literal('child'), Type.Literal('department'), Type.Literal('role'), Type.Literal('node')]),
            from: Type.Optional(Day),
            to: Type.Optional(Day),
            format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xlsx')])),
          }),
          response: {
            200: Type.Object({
              asOf: Type.String(),
              period: PeriodSchema,
              by: Type.String(),
              node: NodeRefSchema,
              rows: Type.Array(
                Type.Object({
                  key: Type.Object({
                    kind: Type.Union([Type.Literal('node'), Type.Literal('department'), Type.Literal('role')]),
                    id: Type.String(),
                    name: NamesSchema,
                  }),
                  indicators: Indicators,
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const { jurisdiction, by, from, to, format } = req.query;
        const table = await ctx.command.indicators(authorize(req.caller, 'command.read'), { jurisdictionId: jurisdiction, by, from, to });
        if (format !== 'xlsx') return table;
        const locale = negotiateLocale(req.headers['accept-language']);
        return reply
          .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
          .header('content-disposition', `attachment; filename="indicators-${table.node.code}-${by}-${table.period.from}-${table.period.to}.xlsx"`)
          .header('content-language', locale)
          // A Buffer bypasses the JSON serialiser; the 200 schema describes the JSON form.
          .send((await indicatorsWorkbook(table, locale)) as unknown as typeof table);
      },
    );
  };
}
