import { type Static, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC, scopePaths, type UserCaller } from '../../../db/caller.ts';
import type { Tx } from '../../../db/database.ts';
import { isUuid } from '../../../domain/ids.ts';
import type { App, AppContext } from '../../app.ts';
import type { Locale } from '../../i18n.ts';
import { hashTrackingCode } from '../cases/service.ts';
import { open311Error, open311Text, toOpen311Error } from './errors.ts';
import { normalizeBody, parseForm, type PostFields, reportInputOf } from './intake.ts';
import { open311Locale, presentDefinition, presentRequest, presentServices, serviceNotice } from './presenter.ts';
import { findJurisdiction, findRequests, notesOf, numberByTrackingHash, type RequestQuery, reportPhoto } from './store.ts';
import { toXml } from './xml.ts';

export const OPEN311_PREFIX = '/open311/v2';
/** When this endpoint's description (discovery, services, fields) last changed. */
const CHANGESET = '2026-11-26T00:00:00Z';
/** GeoReport's default window for a request search with no dates. */
const DEFAULT_SPAN_DAYS = 90;

type Format = 'json' | 'xml';

/** `.json`, `.xml`, or no suffix (JSON), as GeoReport clients and curl users write them. */
const SUFFIXES: ReadonlyArray<readonly [string, Format]> = [
  ['.json', 'json'],
  ['.xml', 'xml'],
  ['', 'json'],
];

/** The format the caller asked for, read from the path, so that errors (even 404s) answer in it too. */
function formatOfUrl(url: string): Format {
  return /\.xml$/i.test(url.split('?')[0] ?? '') ? 'xml' : 'json';
}

/** `110101-2026-000123.xml` → the id and the format. */
function splitFormat(segment: string): { id: string; format: Format } {
  const m = /^(.*)\.(json|xml)$/i.exec(segment);
  return m ? { id: m[1]!, format: m[2]!.toLowerCase() as Format } : { id: segment, format: 'json' };
}

function send(reply: FastifyReply, format: Format, root: string, body: unknown, status = 200) {
  reply.status(status);
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXml(root, body));
  // Serialised here rather than by a response schema: the same objects feed the XML writer, and one shape for both
  // formats is what the tests compare.
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

function baseUrl(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`;
}

const LocaleParam = Type.Optional(Type.Union([Type.Literal('zh-Hant'), Type.Literal('zh-Hans'), Type.Literal('en')]));
const JurisdictionParam = Type.Optional(Type.String({ minLength: 1, maxLength: 64 }));

const CommonQuery = Type.Object({ jurisdiction_id: JurisdictionParam, locale: LocaleParam });

const RequestsQuery = Type.Object({
  jurisdiction_id: JurisdictionParam,
  locale: LocaleParam,
  service_request_id: Type.Optional(Type.String({ maxLength: 4000, pattern: '^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*,?$' })),
  service_code: Type.Optional(Type.String({ maxLength: 600, pattern: '^[A-Za-z0-9]+(,[A-Za-z0-9]+)*,?$' })),
  start_date: Type.Optional(Type.String({ format: 'date-time' })),
  end_date: Type.Optional(Type.String({ format: 'date-time' })),
  status: Type.Optional(Type.String({ pattern: '^(open|closed)(,(open|closed))?$' })),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
  page_size: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  extensions: Type.Boolean({ default: false }),
});
type RequestsQueryT = Static<typeof RequestsQuery>;

const OneRequestQuery = Type.Object({ jurisdiction_id: JurisdictionParam, locale: LocaleParam, extensions: Type.Boolean({ default: false }) });

const Str = (max: number) => Type.Optional(Type.String({ maxLength: max }));
/** Attribute keys are free (`attribute[CODE]`), so other fields pass; `normalizeBody` has gathered them already. */
const PostBody = Type.Object({
  api_key: Str(200),
  jurisdiction_id: JurisdictionParam,
  service_code: Type.String({ minLength: 1, maxLength: 20 }),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  long: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  address_string: Str(300),
  address_id: Str(100),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 200 })),
  device_id: Str(100),
  account_id: Str(100),
  first_name: Str(50),
  last_name: Str(50),
  phone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{5,20}$' })),
  description: Str(2000),
  media_url: Type.Optional(Type.String({ format: 'uri', maxLength: 1000, pattern: '^https?://' })),
  attribute: Type.Optional(
    Type.Record(
      Type.String({ maxLength: 64 }),
      Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Array(Type.Union([Type.String({ maxLength: 200 }), Type.Number()]), { maxItems: 50 })]),
    ),
  ),
});

const PostHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) });

function within(path: string, scopes: string[]): boolean {
  return scopes.some((s) => path === s || path.startsWith(`${s}.`));
}

export function open311Routes(ctx: AppContext) {
  /** The token behind each POST, resolved before validation so that a caller without a key learns nothing more. */
  const posters = new WeakMap<FastifyRequest, UserCaller>();

  // Reads run as the public caller: the database itself then limits them to the public views.
  const readPublic = <T>(fn: (trx: Tx) => Promise<T>) => ctx.db.run(PUBLIC, fn);

  /** A jurisdiction named on a read must exist; reads are public, so any node of the city will do. */
  async function jurisdictionPath(id: string | undefined, locale: Locale): Promise<string | undefined> {
    if (id === undefined) return undefined;
    const j = await readPublic((trx) => findJurisdiction(trx, id));
    if (!j) throw open311Error(404, 'JURISDICTION_UNKNOWN', locale, { id });
    return j.path;
  }

  async function authenticate(req: FastifyRequest, locale: Locale): Promise<UserCaller> {
    const body = req.body as Record<string, unknown>;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const key = body.api_key ?? query.api_key;
    let caller: UserCaller | null = null;
    if (typeof key === 'string') {
      caller = await ctx.identity.resolveToken(key.trim());
    } else if (key === undefined && req.caller.kind === 'user' && req.caller.tokenId) {
      // The same token as a bearer header: what Gridloop's own API clients already send.
      caller = req.caller;
    } else if (key === undefined) {
      throw open311Error(403, 'API_KEY_MISSING', locale);
    }
    if (!caller) throw open311Error(403, 'API_KEY_INVALID', locale);
    if (!caller.capabilities?.includes('open311')) throw open311Error(403, 'API_KEY_SCOPE', locale);
    return caller;
  }

  return async (root: App) => {
    await root.register(
      async (app: App) => {
        app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
          done(null, parseForm(String(body)));
        });

        // Open311 clients parse `[{code, description}]` (or `<errors>`), never Gridloop's `{code, message, field}`.
        app.setErrorHandler((err, req, reply) => {
          const locale = open311Locale(req.query, req.headers['accept-language']);
          const r = toOpen311Error(err, locale);
          if (r.unexpected) req.log.error({ err }, 'open311: unhandled error');
          if (r.status === 429 && !reply.getHeader('retry-after')) reply.header('retry-after', '60');
          return send(reply, formatOfUrl(req.url), 'errors', r.errors, r.status);
        });
        app.setNotFoundHandler((req, reply) => {
          const locale = open311Locale(req.query, req.headers['accept-language']);
          return send(reply, formatOfUrl(req.url), 'errors', [{ code: 404, description: open311Text('PATH_UNKNOWN', locale) }], 404);
        });

        // Reads carry no authority and no personal data, so browsers on other sites (civic apps, maps) may read them.
        app.addHook('onSend', async (req, reply, payload) => {
          if (req.method === 'GET' || req.method === 'HEAD') reply.header('access-control-allow-origin', '*');
          return payload;
        });

        for (const [suffix, format] of SUFFIXES) {
          const hide = suffix === '';

          app.get(
            `/discovery${suffix}`,
            { schema: { tags: ['open311'], hide, summary: 'GeoReport v2 service discovery' } },
            async (req, reply) => {
              const url = `${baseUrl(req)}${OPEN311_PREFIX}`;
              return send(reply, format, 'discovery', {
                changeset: CHANGESET,
                contact: 'Gridloop',
                key_service: 'api_key: a Gridloop API token with the open311 scope, issued by an administrator',
                endpoints: [
                  {
                    specification: 'http://wiki.open311.org/GeoReport_v2',
                    url,
                    changeset: CHANGESET,
                    type: 'production',
                    formats: ['application/json', 'text/xml'],
                  },
                ],
              });
            },
          );

          app.get(
            `/services${suffix}`,
            { schema: { tags: ['open311'], hide, summary: 'Service types: the sub-categories, by code', querystring: CommonQuery } },
            async (req, reply) => {
              const locale = open311Locale(req.query, req.headers['accept-language']);
              await jurisdictionPath(req.query.jurisdiction_id, locale);
              return send(reply, format, 'services', presentServices(ctx.cases.reference(), locale));
            },
          );

          app.get(
            `/requests${suffix}`,
            {
              config: { rateLimit: { max: 300, timeWindow: '1 minute' } },
              schema: {
                tags: ['open311'],
                hide,
                summary: 'Search service requests (public). Extensions: page, page_size, extensions=true for notes[]',
                querystring: RequestsQuery,
              },
            },
            async (req, reply) => listRequests(req, reply, format, req.query),
          );

          app.post(
            `/requests${suffix}`,
            {
              // The same budget as a token on /api/reports, counted per token (resolved before the limiter runs).
              config: {
                rateLimit: {
                  max: 10 * ctx.config.reportRatePerMinute,
                  timeWindow: '1 minute',
                  keyGenerator: (req: FastifyRequest) => `open311|${posters.get(req)?.tokenId ?? req.ip}`,
                },
              },
              preValidation: async (req) => {
                // Typed ahead of time: the schema checks the normalised body right after this hook.
                req.body = normalizeBody(req.body) as Static<typeof PostBody>;
                posters.set(req, await authenticate(req, open311Locale(req.query, req.headers['accept-language'])));
              },
              schema: {
                tags: ['open311'],
                hide,
                summary: 'Create a service request (api_key: a token with the open311 scope). Honours Idempotency-Key.',
                body: PostBody,
                headers: PostHeaders,
              },
            },
            async (req, reply) => {
              const caller = posters.get(req);
              const locale = open311Locale(req.query, req.headers['accept-language']);
              if (!caller) throw open311Error(403, 'API_KEY_MISSING', locale);
              const fields = req.body as PostFields;
              if (fields.jurisdiction_id !== undefined) {
                const j = await readPublic((trx) => findJurisdiction(trx, fields.jurisdiction_id!));
                if (!j) throw open311Error(404, 'JURISDICTION_UNKNOWN', locale, { id: fields.jurisdiction_id });
                if (!within(j.path, scopePaths(caller))) throw open311Error(403, 'JURISDICTION_OUT_OF_SCOPE', locale, { id: fields.jurisdiction_id });
              }
              const category = ctx.cases.reference().categories.get(fields.service_code);
              if (!category) throw open311Error(400, 'SERVICE_CODE_UNKNOWN', locale, { code: fields.service_code });
              const input = reportInputOf(fields, category, locale);
              const key = req.headers['idempotency-key'];
              // Keys of their own: an Open311 retry must not collide with the same token's calls to /api/reports.
              const idem = typeof key === 'string' ? { key, callerKey: `open311|token:${caller.tokenId}` } : null;
              const r = await ctx.cases.report(caller, input, [], idem);
              return send(reply, format, 'service_requests', [
                {
                  service_request_id: r.body.caseNumber,
                  // GeoReport's token is Gridloop's tracking code: it lets the reporter follow, verify and rate.
                  token: r.body.trackingCode,
                  service_notice: serviceNotice(category, locale),
                  account_id: fields.account_id ?? null,
                },
              ]);
            },
          );
        }

        app.get(
          '/services/:file',
          {
            schema: {
              tags: ['open311'],
              summary: 'Service definition: the attributes of a service code (services/{code}.json|.xml)',
              params: Type.Object({ file: Type.String({ maxLength: 40 }) }),
              querystring: CommonQuery,
            },
          },
          async (req, reply) => {
            const { id, format } = splitFormat(req.params.file);
            const locale = open311Locale(req.query, req.headers['accept-language']);
            await jurisdictionPath(req.query.jurisdiction_id, locale);
            const category = ctx.cases.reference().categories.get(id);
            if (!category) throw open311Error(404, 'SERVICE_CODE_UNKNOWN', locale, { code: id });
            return send(reply, format, 'service_definition', presentDefinition(category, locale));
          },
        );

        app.get(
          '/requests/:file',
          {
            schema: {
              tags: ['open311'],
              summary: 'One service request by its service_request_id, the case number (requests/{id}.json|.xml)',
              params: Type.Object({ file: Type.String({ maxLength: 60 }) }),
              querystring: OneRequestQuery,
            },
          },
          async (req, reply) => {
            const { id, format } = splitFormat(req.params.file);
            const locale = open311Locale(req.query, req.headers['accept-language']);
            await jurisdictionPath(req.query.jurisdiction_id, locale);
            if (!/^[A-Za-z0-9-]{1,40}$/.test(id)) throw open311Error(404, 'REQUEST_UNKNOWN', locale, { id });
            const found = await requestsFor(req, locale, { numbers: [id], limit: 1, offset: 0 }, req.query.extensions);
            if (found.length === 0) throw open311Error(404, 'REQUEST_UNKNOWN', locale, { id });
            return send(reply, format, 'service_requests', found);
          },
        );

        app.get(
          '/tokens/:file',
          {
            config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
            schema: {
              tags: ['open311'],
              summary: 'The service_request_id of a token (the tracking code returned when the request was created)',
              params: Type.Object({ file: Type.String({ maxLength: 60 }) }),
              querystring: CommonQuery,
            },
          },
          async (req, reply) => {
            const { id, format } = splitFormat(req.params.file);
            const locale = open311Locale(req.query, req.headers['accept-language']);
            await jurisdictionPath(req.query.jurisdiction_id, locale);
            const number = /^[A-Za-z0-9-]{8,40}$/.test(id) ? await readPublic((trx) => numberByTrackingHash(trx, hashTrackingCode(id))) : null;
            if (!number) throw open311Error(404, 'TOKEN_UNKNOWN', locale, { id });
            return send(reply, format, 'service_requests', [{ service_request_id: number, token: id }]);
          },
        );

        app.get(
          '/media/:photoId',
          {
            schema: {
              tags: ['open311'],
              summary: "A reporter's photo as the public sees it (metadata stripped): the target of media_url",
              params: Type.Object({ photoId: Type.String({ maxLength: 64 }) }),
            },
          },
          async (req, reply) => {
            const locale = open311Locale(req.query, req.headers['accept-language']);
            const id = req.params.photoId;
            const found = isUuid(id) ? await readPublic((trx) => reportPhoto(trx, id)) : null;
            const data = found ? await ctx.storage.get(found.key) : null;
            if (!found || !data) throw open311Error(404, 'MEDIA_UNKNOWN', locale);
            return reply
              .type(found.contentType)
              .header('cache-control', 'public, max-age=86400')
              // Helmet's default (same-origin) would stop other sites' pages from showing the picture they link to.
              .header('cross-origin-resource-policy', 'cross-origin')
              .send(Buffer.from(data));
          },
        );
      },
      { prefix: OPEN311_PREFIX },
    );
  };

  async function requestsFor(req: FastifyRequest, locale: Locale, q: RequestQuery, withNotes: boolean) {
    const base = baseUrl(req);
    const { rows, notes } = await readPublic(async (trx) => {
      const rows = await findRequests(trx, q);
      return { rows, notes: withNotes ? await notesOf(trx, rows.map((r) => r.id)) : null };
    });
    const ref = ctx.cases.reference();
    const media = (photoId: string) => `${base}${OPEN311_PREFIX}/media/${photoId}`;
    return rows.map((r) => presentRequest(ref, r, locale, media, notes ? notes.filter((n) => n.caseId === r.id) : undefined));
  }

  async function listRequests(req: FastifyRequest, reply: FastifyReply, format: Format, query: RequestsQueryT) {
    const locale = open311Locale(query, req.headers['accept-language']);
    const q: RequestQuery = {
      jurisdictionPath: await jurisdictionPath(query.jurisdiction_id, locale),
      limit: query.page_size,
      offset: (query.page - 1) * query.page_size,
    };
    const list = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);
    const numbers = list(query.service_request_id);
    if (numbers?.length) {
      q.numbers = numbers.slice(0, 200);
    } else {
      q.serviceCodes = list(query.service_code);
      q.start = query.start_date ? new Date(query.start_date) : undefined;
      q.end = query.end_date ? new Date(query.end_date) : undefined;
      if (q.start && q.end && q.start > q.end) throw open311Error(400, 'DATE_RANGE', locale);
      if (!q.start && !q.end) q.start = new Date(ctx.cases.now().getTime() - DEFAULT_SPAN_DAYS * 24 * 3600_000);
      const statuses = new Set(list(query.status));
      if (statuses.size === 1) q.status = statuses.has('open') ? 'open' : 'closed';
    }
    return send(reply, format, 'service_requests', await requestsFor(req, locale, q, query.extensions));
  }
}
