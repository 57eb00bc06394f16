import { Type } from '@fastify/type-provider-typebox';
import type { UserCaller } from '../../../db/caller.ts';
import { ROLES } from '../../../db/caller.ts';
import type { App, AppContext } from '../../app.ts';
import { SESSION_COOKIE } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize, requireUser } from '../../policy.ts';
import { errorResponses, NamesSchema } from '../../schemas.ts';
import { isUuid } from '../../../domain/ids.ts';
import { SESSION_HOURS, TOKEN_SCOPES } from './service.ts';
import type { AssignmentRow, UserRow } from './store.ts';

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

const Me = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    departmentId: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(
      Type.Object({
        role: Type.String(),
        jurisdictionId: Type.String(),
        jurisdictionCode: Type.String(),
        jurisdictionPath: Type.String(),
        jurisdictionName: Type.String(),
        jurisdictionNames: NamesSchema,
      }),
    ),
  }),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
});

function present(user: UserRow, assignments: AssignmentRow[], locale: ReturnType<typeof negotiateLocale>) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    departmentId: user.departmentId,
    roles: assignments.map((a) => {
      const names = { 'zh-Hant': a.nameZhHant, 'zh-Hans': a.nameZhHans, en: a.nameEn };
      return {
        role: a.role,
        jurisdictionId: a.jurisdictionId,
        jurisdictionCode: a.jurisdictionCode,
        jurisdictionPath: a.jurisdictionPath,
        jurisdictionName: names[locale],
        jurisdictionNames: names,
      };
    }),
  };
}

export function identityRoutes(ctx: AppContext) {
  return async (app: App) => {
    app.post(
      '/api/auth/login',
      {
        config: {
          csrf: false,
          // Per address and username, so one user's typos cannot lock the whole office behind one NAT.
          rateLimit: {
            max: ctx.config.loginRatePerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '')}`,
          },
        },
        schema: {
          tags: ['identity'],
          summary: 'Log in with username and password; sets the session cookie',
          body: Type.Object({
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ minLength: 1, maxLength: 256 }),
          }),
          response: { 200: Me, ...errorResponses },
        },
      },
      async (req, reply) => {
        const r = await ctx.identity.login(req.body.username, req.body.password, req.ip);
        reply.setCookie(SESSION_COOKIE, r.sessionId, {
          httpOnly: true,
          sameSite: 'lax',
          secure: req.protocol === 'https',
          path: '/',
          signed: true,
          maxAge: SESSION_HOURS * 3600,
        });
        return { user: present(r.user, r.assignments, negotiateLocale(req.headers['accept-language'])), csrfToken: r.csrfToken };
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { tags: ['identity'], summary: 'End the session', response: { 204: Type.Null(), ...errorResponses } } },
      async (req, reply) => {
        if (req.sessionId) await ctx.identity.logout(req.sessionId, req.ip);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/me',
      { schema: { tags: ['identity'], summary: 'The caller, their roles and jurisdictions', response: { 200: Me, ...errorResponses } } },
      async (req) => {
        const caller = requireUser(req.caller);
        const { user, assignments } = await ctx.identity.me(caller);
        return { user: present(user, assignments, negotiateLocale(req.headers['accept-language'])), csrfToken: req.csrfToken };
      },
    );

    app.post(
      '/api/users',
      {
        schema: {
          tags: ['identity'],
          summary: 'Create a user with one assignment (admin, within their scope)',
          body: Type.Object({
            username: Type.String({ minLength: 2, maxLength: 64 }),
            password: Type.String({ minLength: 8, maxLength: 256 }),
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            role: RoleSchema,
            jurisdictionCode: Type.String({ pattern: '^[0-9]{6,18}$' }),
            departmentCode: Type.Optional(Type.String({ maxLength: 64 })),
          }),
          response: { 201: Type.Object({ id: Type.String() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'users.create');
        const r = await ctx.identity.createUser(caller, req.body);
        return reply.status(201).send(r);
      },
    );

    app.post(
      '/api/tokens',
      {
        schema: {
          tags: ['identity'],
          summary: 'Create an API token (shown once). Admins may create one for a user in their scope.',
          body: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(Type.Union(TOKEN_SCOPES.map((s) => Type.Literal(s))), { minItems: 1, maxItems: 10 }),
            username: Type.Optional(Type.String({ minLength: 2, maxLength: 64 })),
          }),
          response: {
            201: Type.Object({ id: Type.String(), token: Type.String(), scopes: Type.Array(Type.String()) }),
            ...errorResponses,
          },
        },
      },
      async (req, reply) => {
        const caller: UserCaller = authorize(req.caller, 'tokens.manage');
        const r = await ctx.identity.createToken(caller, {
          username: req.body.username ?? caller.username,
          name: req.body.name,
          scopes: req.body.scopes,
        });
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/api/tokens',
      {
        schema: {
          tags: ['identity'],
          summary: "The caller's API tokens (never the secrets)",
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  name: Type.String(),
                  prefix: Type.String(),
                  scopes: Type.Array(Type.String()),
                  createdAt: Type.String({ format: 'date-time' }),
                  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'tokens.manage');
        const items = await ctx.identity.listTokens(caller);
        return {
          items: items.map((t) => ({
            ...t,
            createdAt: t.createdAt.toISOString(),
            lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
            revokedAt: t.revokedAt?.toISOString() ?? null,
          })),
        };
      },
    );

    app.delete(
      '/api/tokens/:id',
      {
        schema: {
          tags: ['identity'],
          summary: 'Revoke an API token',
          params: Type.Object({ id: Type.String() }),
          response: { 204: Type.Null(), ...errorResponses },
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'tokens.manage');
        if (!isUuid(req.params.id)) throw new AppError('NOT_FOUND', { field: 'id' });
        await ctx.identity.revokeToken(caller, req.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
