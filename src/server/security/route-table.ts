import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';

/** One route as Fastify registered it: what the fuzzer and the access matrix are generated from. */
export interface RouteInfo {
  method: string;
  /** Fastify's form, `/api/cases/:id`: the key of the access table is `${method} ${url}`. */
  url: string;
  key: string;
  schema: FastifySchema | undefined;
  /** Hidden from the OpenAPI document (`schema.hide`), still a route that answers. */
  hidden: boolean;
  bodyLimit: number | undefined;
}

/** The last error thrown inside the app, kept for the failure message of the request that caused it. */
export interface ErrorLog {
  last: Error | null;
}

/**
 * Builds an app while listening on Fastify's `fastify.initialization` channel, and records every route through an
 * `onRoute` hook added before any plugin registers one: the live route table, hidden routes included, with no change
 * to `buildApp`. HEAD routes that Fastify derives from a GET are left out.
 */
export async function captureRoutes<T>(build: () => Promise<T>): Promise<{ result: T; routes: RouteInfo[]; errors: ErrorLog }> {
  const seen: RouteInfo[] = [];
  const errors: ErrorLog = { last: null };
  const channel = diagnostics.channel('fastify.initialization');
  let hooked = false;
  const onInit = (message: unknown) => {
    if (hooked) return;
    hooked = true;
    const { fastify } = message as { fastify: FastifyInstance };
    // Every error a handler or hook threw, before the error handler turned it into an answer: a 500 is explained.
    fastify.addHook('onError', async (_req, _reply, err) => {
      errors.last = err;
    });
    fastify.addHook('onRoute', (opts: RouteOptions) => {
      const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
      for (const method of methods) {
        const url = opts.url;
        seen.push({
          method: method.toUpperCase(),
          url,
          key: `${method.toUpperCase()} ${url}`,
          schema: opts.schema,
          hidden: Boolean((opts.schema as { hide?: boolean } | undefined)?.hide),
          bodyLimit: opts.bodyLimit,
        });
      }
    });
  };
  channel.subscribe(onInit);
  let result: T;
  try {
    result = await build();
  } finally {
    channel.unsubscribe(onInit);
  }
  if (!hooked) throw new Error('captureRoutes: no Fastify instance was created while building');
  const gets = new Set(seen.filter((r) => r.method === 'GET').map((r) => r.url));
  const unique = new Map<string, RouteInfo>();
  for (const r of seen) {
    if (r.method === 'HEAD' && gets.has(r.url)) continue;
    unique.set(r.key, r);
  }
  return { result, routes: [...unique.values()].sort((a, b) => a.key.localeCompare(b.key)), errors };
}

/** `/api/cases/{id}` (OpenAPI) → `/api/cases/:id` (Fastify). */
export function fromOpenApiPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** The parameter names of a Fastify path, `*` included. */
export function pathParams(url: string): string[] {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  if (url.includes('*')) names.push('*');
  return names;
}
