import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Caller, PUBLIC } from '../db/caller.ts';
import type { Database } from '../db/database.ts';
import type { Config } from './config.ts';
import { AppError, errorBody } from './errors.ts';
import { negotiateLocale } from './i18n.ts';
import { createMetrics } from './metrics.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { identityRoutes } from './modules/identity/routes.ts';
import { IdentityService } from './modules/identity/service.ts';
import { caseAdminRoutes } from './modules/cases/admin-routes.ts';
import { caseRoutes } from './modules/cases/routes.ts';
import { open311Text } from './modules/open311/errors.ts';
import { OPEN311_PREFIX, open311Routes } from './modules/open311/routes.ts';
import { toXml } from './modules/open311/xml.ts';
import { EventBus } from './modules/cases/events.ts';
import { CaseService } from './modules/cases/service.ts';
import { analysisRoutes } from './modules/command/analysis-routes.ts';
import { commandRoutes } from './modules/command/routes.ts';
import { CommandService } from './modules/command/service.ts';
import { responsibilityRoutes } from './modules/command/responsibility-routes.ts';
import { registryRoutes } from './modules/registry/routes.ts';
import { RegistryService } from './modules/registry/service.ts';
import { territoryRoutes } from './modules/territory/routes.ts';
import { type FileStorage, LocalFileStorage } from './storage.ts';
import { TerritoryService } from './modules/territory/service.ts';

export const SESSION_COOKIE = 'gl_session';
const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));
const PKG = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as {
  version: string;
};
export const VERSION = PKG.version;

export interface SeedState {
  step: string;
  done: number;
  total: number;
}

export interface AppState {
  status: 'ok' | 'seeding';
  seed: SeedState | null;
  migrations: number;
  /** The database holds the synthetic demo city: the UI says so plainly. */
  demo: boolean;
}

export interface AppContext {
  config: Config;
  db: Database;
  identity: IdentityService;
  territory: TerritoryService;
  cases: CaseService;
  registry: RegistryService;
  command: CommandService;
  bus: EventBus;
  storage: FileStorage;
  state: AppState;
}

export function createContext(
  config: Config,
  db: Database,
  migrations: number,
  opts: { now?: () => Date; storage?: FileStorage } = {},
): AppContext {
  const territory = new TerritoryService(db);
  const bus = new EventBus();
  const storage = opts.storage ?? new LocalFileStorage(join(config.dataDir, 'files'));
  return {
    config,
    db,
    identity: new IdentityService(db),
    territory,
    cases: new CaseService(db, territory, config, storage, bus, opts.now),
    registry: new RegistryService(db, territory, config),
    command: new CommandService(db, config.timezone, opts.now),
    bus,
    storage,
    state: { status: 'ok', seed: null, migrations, demo: false },
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    /** Set when the caller came with a session cookie: cookie-authenticated writes must echo it. */
    csrfToken: string | null;
    sessionId: string | null;
  }
  interface FastifyContextConfig {
    /** false: a write that needs no CSRF token (login, which has no session yet). */
    csrf?: boolean;
  }
}

export type App = FastifyInstance<
  import('node:http').Server,
  import('node:http').IncomingMessage,
  import('node:http').ServerResponse,
  import('fastify').FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Transient database failures: the caller may retry, the server stays up. */
function isDatabaseDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08006', '08001', '08003'].includes(
      e.code ?? '',
    ) ||
    /Connection terminated|timeout exceeded when trying to connect|connection is closed|is not queryable|Query read timeout/i.test(
      e.message ?? '',
    )
  );
}

/** An Origin header's host; a header that is no URL matches no host. */
function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** The multipart parser (busboy) throws plain errors, without a status, for a body it cannot take apart. */
function isMalformedMultipart(err: Error): boolean {
  return /^(Multipart: |Unsupported Content-Type|Unexpected end of multipart|Malformed part header)|terminated early due to unexpected end of multipart/.test(
    err.message,
  );
}

/**
 * Input that passed validation but that no handler can use: a number that is not finite (AJV coerces "Infinity" and
 * "1e999" in query strings and form fields and then skips their minimum and maximum: ajv#2212, fastify#6718), or text
 * holding a NUL character (PostgreSQL's text and jsonb cannot store it). Returns the field and what is wrong.
 */
function unusable(v: unknown, path: string, budget = { nodes: 10_000 }, depth = 0): { field: string; detail: string } | null {
  if (typeof v === 'number') return Number.isFinite(v) ? null : { field: path, detail: `${path} must be a finite number` };
  if (typeof v === 'string') return v.includes('\u0000') ? { field: path, detail: `${path} must not contain NUL characters` } : null;
  if (depth > 8 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return null;
  for (const [k, x] of Object.entries(v)) {
    if (--budget.nodes < 0) return null;
    const key = k.includes('\u0000') ? { field: path || k, detail: 'field names must not contain NUL characters' } : null;
    const found = key ?? unusable(x, path ? `${path}.${k}` : k, budget, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * A path the router cannot take apart (bad percent-encoding, a parameter longer than the router allows) names nothing:
 * 404 in the error format of the API it was meant for, never Fastify's own body.
 */
function unroutable(_err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const locale = negotiateLocale(req.headers['accept-language']);
  const path = req.url.split('?')[0] ?? '';
  if (path.startsWith(`${OPEN311_PREFIX}/`)) {
    const errors = [{ code: 404, description: open311Text('PATH_UNKNOWN', locale) }];
    if (/\.xml$/i.test(path)) reply.status(404).type('text/xml; charset=utf-8').send(toXml('errors', errors));
    else reply.status(404).type('application/json; charset=utf-8').send(JSON.stringify(errors));
    return;
  }
  reply.status(404).send(errorBody(new AppError('NOT_FOUND', { field: 'path' }), locale));
}

function fieldOf(err: FastifyError): string | undefined {
  const v = err.validation?.[0];
  if (!v) return undefined;
  const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
  const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return missing ? (path ? `${path}.${missing}` : missing) : path || err.validationContext || undefined;
}

export async function buildApp(ctx: AppContext, opts: { logger?: boolean | object } = {}): Promise<App> {
  const app = Fastify({
    logger: opts.logger ?? false,
    trustProxy: false,
    bodyLimit: 1024 * 1024,
    frameworkErrors: unroutable,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  const basemapOrigin = ctx.config.basemapStyleUrl ? new URL(ctx.config.basemapStyleUrl).origin : null;
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', ...(basemapOrigin ? [basemapOrigin] : [])],
        workerSrc: ["'self'", 'blob:'],
        childSrc: ['blob:'],
        connectSrc: ["'self'", ...(basemapOrigin ? [basemapOrigin] : [])],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie, { secret: ctx.config.sessionSecret });
  // preHandler, so that a route's key may use the parsed body (login limits per address and username).
  await app.register(rateLimit, { global: false, hook: 'preHandler' });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gridloop API', version: VERSION, description: 'Grid-based governance: territory, identity, cases.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });

  const metrics = createMetrics(ctx);
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.decorateRequest('caller', null as never);
  app.decorateRequest('csrfToken', null);
  app.decorateRequest('sessionId', null);

  // Who is calling: a bearer token, a session cookie, or the public. Resolved before validation so that every
  // handler and error sees the caller.
  app.addHook('onRequest', async (req) => {
    req.caller = PUBLIC;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const caller = await ctx.identity.resolveToken(auth.slice(7).trim());
      if (!caller) throw new AppError('UNAUTHENTICATED', { field: 'authorization' });
      req.caller = caller;
      return;
    }
    const raw = req.cookies[SESSION_COOKIE];
    if (raw) {
      const unsigned = req.unsignCookie(raw);
      if (unsigned.valid && unsigned.value) {
        const found = await ctx.identity.resolveSession(unsigned.value);
        if (found) {
          req.caller = found.caller;
          req.csrfToken = found.csrfToken;
          req.sessionId = unsigned.value;
        }
      }
    }
  });

  // Cookie-authenticated writes must carry the session's CSRF token; token-authenticated ones cannot be forged by a
  // browser, and public writes carry no authority.
  app.addHook('preHandler', async (req) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return;
    if (req.routeOptions.config?.csrf === false) {
      const origin = req.headers.origin;
      if (origin && origin !== 'null' && hostOf(origin) !== req.headers.host) {
        throw new AppError('CSRF_TOKEN_INVALID', { field: 'origin' });
      }
      return;
    }
    if (req.csrfToken && req.headers['x-csrf-token'] !== req.csrfToken) {
      throw new AppError('CSRF_TOKEN_INVALID', { field: 'x-csrf-token' });
    }
  });

  app.addHook('preHandler', async (req) => {
    const bad = unusable(req.query, '') ?? unusable(req.params, '') ?? unusable(req.body, '');
    if (bad) throw new AppError('VALIDATION_FAILED', { field: bad.field || 'body', params: { detail: bad.detail } });
  });

  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const locale = negotiateLocale(req.headers['accept-language']);
    let appErr: AppError;
    if (err instanceof AppError) {
      appErr = err;
    } else if (err.validation) {
      const field = fieldOf(err);
      appErr = new AppError('VALIDATION_FAILED', { field, params: { detail: `${field ?? 'input'} ${err.validation[0]?.message ?? ''}` } });
    } else if (err.statusCode === 429) {
      appErr = new AppError('RATE_LIMITED');
    } else if (err.statusCode === 413) {
      appErr = new AppError('PAYLOAD_TOO_LARGE');
    } else if (err.statusCode === 415) {
      appErr = new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'content-type' });
    } else if ((err.statusCode && err.statusCode >= 400 && err.statusCode < 500) || isMalformedMultipart(err)) {
      appErr = new AppError('VALIDATION_FAILED', { field: 'body', params: { detail: err.message } });
    } else if (isDatabaseDown(err)) {
      reply.header('retry-after', '5');
      appErr = new AppError('SERVICE_UNAVAILABLE');
    } else {
      req.log.error({ err }, 'unhandled error');
      appErr = new AppError('INTERNAL');
    }
    if (appErr.status === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
    reply.status(appErr.status).send(errorBody(appErr, locale));
  });

  // After the error handler: a plugin's routes keep the handler in place when it is registered.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  await app.register(healthRoutes(ctx));
  await app.register(identityRoutes(ctx));
  await app.register(territoryRoutes(ctx));
  await app.register(caseRoutes(ctx));
  await app.register(open311Routes(ctx));
  await app.register(caseAdminRoutes(ctx));
  await app.register(registryRoutes(ctx));
  await app.register(responsibilityRoutes(ctx));
  await app.register(commandRoutes(ctx));
  await app.register(analysisRoutes(ctx));

  if (existsSync(WEB_ROOT)) {
    await app.register(fastifyStatic, { root: WEB_ROOT, wildcard: false, index: ['index.html'] });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const isApi = /^\/(api|open311|docs|metrics)(\/|$)/.test(path);
    // A missing asset (a stale hashed file name after a rebuild) must be a 404, not the app's HTML.
    const isFile = /^\/assets\//.test(path) || /\.[a-z0-9]{1,8}$/i.test(path);
    if (!isApi && !isFile && req.method === 'GET' && existsSync(`${WEB_ROOT}index.html`)) {
      reply.header('cache-control', 'no-cache');
      return reply.type('text/html').sendFile('index.html');
    }
    const locale = negotiateLocale(req.headers['accept-language']);
    return reply.status(404).send(errorBody(new AppError('NOT_FOUND', { field: 'path' }), locale));
  });

  return app;
}
