import { Type } from '@fastify/type-provider-typebox';
import type { App, AppContext } from '../../app.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import { AttenuationService } from './attenuation.ts';
import { collectBulletin, type IndicatorSource } from './bulletin.ts';
import { renderBulletinHtml } from './bulletin-html.ts';
import { renderBulletinXlsx } from './bulletin-xlsx.ts';

const Day = Type.String({ maxLength: 10, description: 'YYYY-MM-DD, in the city’s time zone' });
const NodeRefSchema = Type.Object({ id: Type.String(), level: Type.String(), code: Type.String(), name: NamesSchema });
const PeriodSchema = Type.Object({ from: Type.String(), to: Type.String() });
const Nullable = (t: ReturnType<typeof Type.Number>) => Type.Union([t, Type.Null()]);
const Figures = {
  count: Type.Integer(),
  onTime: Type.Integer(),
  medianMinutes: Nullable(Type.Number()),
  p90Minutes: Nullable(Type.Number()),
  onTimeRate: Nullable(Type.Number()),
};
const LevelsSchema = Type.Array(
  Type.Object({ level: Type.String(), ...Figures, stages: Type.Array(Type.Object({ stage: Type.String(), ...Figures })) }),
);

/** The one seam between the bulletin and the command service: its indicator tables. */
export function indicatorSource(ctx: AppContext): IndicatorSource {
  return ctx.command;
}

/** The command center's analyses: attenuation along the chain, and the weekly bulletin. */
export function analysisRoutes(ctx: AppContext) {
  const attenuation = new AttenuationService(ctx.db, ctx.command, ctx.config.timezone);
  const deps = { indicators: indicatorSource(ctx), attenuation, timezone: ctx.config.timezone, now: () => ctx.command.now() };
  return async (app: App) => {
    app.get(
      '/api/command/attenuation',
      {
        schema: {
          tags: ['command'],
          summary: 'Attenuation (上熱中溫下冷): per level, median and 90th percentile minutes of its stages and on-time rate',
          description:
            'Cases registered in the period under the node; each stopped stage run counts at the level of whoever ended ' +
            'it (see the command module README). compareFrom and compareTo add the same chain for another period.',
          querystring: Type.Object({
            jurisdiction: Type.Optional(Type.String({ maxLength: 64 })),
            from: Type.Optional(Day),
            to: Type.Optional(Day),
            compareFrom: Type.Optional(Day),
            compareTo: Type.Optional(Day),
          }),
          response: {
            200: Type.Object({
              asOf: Type.String(),
              period: PeriodSchema,
              node: NodeRefSchema,
              levels: LevelsSchema,
              comparePeriod: Type.Optional(PeriodSchema),
              compare: Type.Optional(LevelsSchema),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => attenuation.attenuation(authorize(req.caller, 'command.read'), req.query),
    );

    app.get(
      '/api/command/bulletin',
      {
        schema: {
          tags: ['command'],
          summary: 'The weekly bulletin (周報) of a node: printable A4 HTML, or the same figures as XLSX or JSON',
          description:
            'Indicators for the ISO week beside the week before, rankings of the child nodes and of the departments, ' +
            'and the attenuation chain, in the caller’s language (Accept-Language). Without week: the last complete week.',
          querystring: Type.Object({
            jurisdiction: Type.Optional(Type.String({ maxLength: 64 })),
            week: Type.Optional(Type.String({ maxLength: 10, description: 'YYYY-Www (ISO week)' })),
            format: Type.Optional(Type.Union([Type.Literal('html'), Type.Literal('xlsx'), Type.Literal('json')])),
          }),
          response: { 200: Type.Unknown({ description: 'text/html (A4), or XLSX, or the Bulletin as JSON' }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'command.read');
        const locale = negotiateLocale(req.headers['accept-language']);
        const b = await collectBulletin(deps, caller, req.query, locale);
        reply.header('cache-control', 'no-store').header('content-language', locale);
        switch (req.query.format ?? 'html') {
          case 'json':
            return reply.type('application/json; charset=utf-8').send(JSON.stringify(b));
          case 'xlsx':
            return reply
              .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
              .header('content-disposition', `attachment; filename="bulletin-${b.node.code}-${b.week.id}.xlsx"`)
              .send(await renderBulletinXlsx(b, locale));
          default:
            return reply.type('text/html; charset=utf-8').send(renderBulletinHtml(b, locale, ctx.config.timezone));
        }
      },
    );
  };
}
