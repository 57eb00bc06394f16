import { Type } from '@fastify/type-provider-typebox';
import { sql } from 'kysely';
import type { App, AppContext } from '../../app.ts';
import { VERSION } from '../../app.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('seeding'), Type.Literal('degraded')]),
  db: Type.Union([Type.Literal('pglite'), Type.Literal('postgres')]),
  version: Type.String(),
  migrations: Type.Integer(),
  seed: Type.Optional(Type.Object({ step: Type.String(), done: Type.Integer(), total: Type.Integer(), percent: Type.Integer() })),
  grids: Type.Integer(),
});

export function healthRoutes(ctx: AppContext) {
  return async (app: App) => {
    app.get(
      '/api/health',
      {
        schema: {
          tags: ['system'],
          summary: 'Liveness and readiness: 200 when ready, 503 while seeding or when the database is unreachable',
          response: { 200: Health, 503: Health },
        },
      },
      async (_req, reply) => {
        let dbUp = true;
        try {
          await Promise.race([
            sql`select 1`.execute(ctx.db.admin),
            new Promise((_, reject) => setTimeout(() => reject(new Error('health check timeout')), 2000).unref()),
          ]);
        } catch {
          dbUp = false;
        }
        const seed = ctx.state.seed;
        const status: 'ok' | 'seeding' | 'degraded' = !dbUp ? 'degraded' : ctx.state.status;
        if (status !== 'ok') reply.status(503).header('retry-after', '5');
        return {
          status,
          db: ctx.db.kind,
          version: VERSION,
          migrations: ctx.state.migrations,
          ...(status === 'seeding' && seed
            ? { seed: { ...seed, percent: seed.total ? Math.floor((100 * seed.done) / seed.total) : 0 } }
            : {}),
          grids: ctx.territory.index().size,
        };
      },
    );

    app.get(
      '/api/config',
      {
        schema: {
          tags: ['system'],
          summary: 'Public settings the web app needs',
          response: {
            200: Type.Object({
              basemapStyleUrl: Type.Union([Type.String(), Type.Null()]),
              timezone: Type.String(),
              demo: Type.Boolean(),
              version: Type.String(),
            }),
          },
        },
      },
      async () => ({
        basemapStyleUrl: ctx.config.basemapStyleUrl,
        timezone: ctx.config.timezone,
        demo: ctx.state.demo,
        version: VERSION,
      }),
    );
  };
}
