import { createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import multipart from '@fastify/multipart';
import { Type } from '@fastify/type-provider-typebox';
import { newId } from '../../../domain/ids.ts';
import type { App, AppContext } from '../../app.ts';
import { AppError } from '../../errors.ts';
import { negotiateLocale } from '../../i18n.ts';
import { authorize } from '../../policy.ts';
import { errorResponses } from '../../schemas.ts';
import { isRegistryKind, REGISTRY_KINDS, type RegistryKind } from './columns.ts';
import { CONTENT_TYPES, exportStream } from './export-stream.ts';
import { organisationRoutes } from './organisation-routes.ts';
import { MISSING_KINDS } from './queries.ts';

const gzipAsync = promisify(gzip);

/** Uploads are streamed to disk, never held in memory; this bounds the disk one upload may take. */
const MAX_IMPORT_BYTES = 1024 * 1024 * 1024;

const Kind = Type.Union(REGISTRY_KINDS.map((k) => Type.Literal(k)));
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

const ImportStatusSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  mode: Type.String(),
  status: Type.String(),
  fileName: Type.String(),
  rowsRead: Type.Integer(),
  rowsWritten: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsSkipped: Type.Integer(),
  rowsRefused: Type.Integer(),
  bytesRead: Type.Number(),
  bytesTotal: Type.Number(),
  rowsPerSecond: Type.Union([Type.Number(), Type.Null()]),
  etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  message: Nullable(Type.String()),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
});

const PersonSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  idType: Type.String(),
  idNumber: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  birthDate: Nullable(Type.String()),
  gender: Nullable(Type.String()),
  careTags: Type.Array(Type.String()),
  gridId: Nullable(Type.String()),
  residenceType: Nullable(Type.String()),
  householdId: Nullable(Type.String()),
  householdNumber: Nullable(Type.String()),
  buildingId: Nullable(Type.String()),
  address: Nullable(Type.String()),
  masked: Type.Boolean(),
});

const ResidenceSchema = Type.Object({
  householdId: Nullable(Type.String()),
  buildingId: Nullable(Type.String()),
  relation: Nullable(Type.String()),
  residenceType: Type.String(),
  movedIn: Nullable(Type.String()),
  movedOut: Nullable(Type.String()),
});

const PersonRecord = Type.Intersect([PersonSchema, Type.Object({ residences: Type.Array(ResidenceSchema) })]);

const Count = Type.Integer();
const CompletenessSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      jurisdictionId: Type.String(),
      code: Type.String(),
      level: Type.String(),
      name: Type.String(),
      buildings: Count,
      buildingsWithHouseholds: Count,
      households: Count,
      householdsWithMembers: Count,
      persons: Count,
      personsComplete: Count,
      registered: Count,
      floating: Count,
      estimatedPopulation: Type.Union([Count, Type.Null()]),
    }),
  ),
});

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 }));

export function registryRoutes(ctx: AppContext) {
  return async (app: App) => {
    await app.register(multipart, { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 16 * 1024 }, throwFileSizeLimit: true });

    app.post(
      '/api/imports',
      {
        bodyLimit: MAX_IMPORT_BYTES + 1024 * 1024,
        schema: {
          tags: ['registry'],
          summary:
            'Import persons, households, buildings, places or components from CSV or XLSX (multipart: kind, mode update|skip, ' +
            'optional mapping JSON {header: field}, file). Runs in the background; follow it at /api/imports/{id}.',
          consumes: ['multipart/form-data'],
          response: { 202: Type.Object({ id: Type.String() }), ...errorResponses },
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'registry.import');
        if (!req.isMultipart()) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { field: 'content-type' });
        const dir = join(ctx.config.dataDir, 'imports');
        await mkdir(dir, { recursive: true });
        const fields: Record<string, string> = {};
        let file: { path: string; name: string } | null = null;
        try {
          for await (const part of req.parts()) {
            if (part.type === 'file') {
              if (part.fieldname !== 'file' || file) {
                part.file.resume();
                continue;
              }
              const path = join(dir, `${newId()}.upload`);
              file = { path, name: part.filename || 'upload.csv' };
              await pipeline(part.file, createWriteStream(path));
            } else {
              fields[part.fieldname] = String(part.value);
            }
          }
          const kind = fields.kind ?? '';
          if (!isRegistryKind(kind)) throw new AppError('VALIDATION_FAILED', { field: 'kind', params: { detail: `kind must be one of ${REGISTRY_KINDS.join(', ')}` } });
          const mode = fields.mode ?? 'skip';
          if (mode !== 'update' && mode !== 'skip') throw new AppError('VALIDATION_FAILED', { field: 'mode', params: { detail: 'mode must be update or skip' } });
          let mapping: Record<string, string> = {};
          if (fields.mapping) {
            try {
              const parsed: unknown = JSON.parse(fields.mapping);
              if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) throw new Error('shape');
              mapping = parsed as Record<string, string>;
            } catch {
              throw new AppError('VALIDATION_FAILED', { field: 'mapping', params: { detail: 'mapping must be a JSON object of header → field' } });
            }
          }
          if (!file) throw new AppError('VALIDATION_FAILED', { field: 'file', params: { detail: 'a file part named file is required' } });
          const size = (await stat(file.path)).size;
          const r = await ctx.registry.startImport(caller, { kind, mode, path: file.path, fileName: file.name, bytesTotal: size, mapping, removeFile: true });
          return reply.status(202).send(r);
        } catch (err) {
          if (file) await rm(file.path, { force: true });
          throw err;
        }
      },
    );

    app.get(
      '/api/imports/:id',
      { schema: { tags: ['registry'], summary: 'Progress and counts of an import', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: ImportStatusSchema, ...errorResponses } } },
      async (req) => ctx.registry.importStatus(authorize(req.caller, 'registry.import'), req.params.id),
    );

    app.get(
      '/api/imports/:id/errors',
      { schema: { tags: ['registry'], summary: "The import's error report as CSV (row, column, code, problem), in the caller's language", params: Type.Object({ id: Type.String({ maxLength: 64 }) }) } },
      async (req, reply) => {
        const caller = authorize(req.caller, 'registry.import');
        // Checked before the stream starts: an unknown import is a 404, not a cut-off 200.
        await ctx.registry.importStatus(caller, req.params.id);
        const rows = ctx.registry.importErrors(caller, req.params.id, negotiateLocale(req.headers['accept-language']));
        return reply
          .type(CONTENT_TYPES.csv)
          .header('content-disposition', `attachment; filename="import-${req.params.id}-errors.csv"`)
          .send(exportStream('csv', 'errors', rows));
      },
    );

    app.post(
      '/api/imports/:id/cancel',
      { schema: { tags: ['registry'], summary: 'Stop an import between batches and undo what it wrote', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: ImportStatusSchema, ...errorResponses } } },
      async (req) => ctx.registry.cancelImport(authorize(req.caller, 'registry.import'), req.params.id),
    );

    app.get(
      '/api/persons',
      {
        schema: {
          tags: ['registry'],
          summary: 'Find persons by name (fuzzy, across scripts), ID number or phone (exact, by blind index); masked',
          querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 100 }), limit: Limit }),
          response: { 200: Type.Object({ items: Type.Array(PersonSchema) }), ...errorResponses },
        },
      },
      async (req) => ctx.registry.searchPersons(authorize(req.caller, 'registry.read'), req.query.q, req.query.limit ?? 50),
    );

    app.get(
      '/api/persons/:id',
      { schema: { tags: ['registry'], summary: 'A person with their residence history; masked', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 200: PersonRecord, ...errorResponses } } },
      async (req) => ctx.registry.person(authorize(req.caller, 'registry.read'), req.params.id),
    );

    app.post(
      '/api/persons/:id/reveal',
      {
        schema: {
          tags: ['registry'],
          summary: 'A person unmasked; the reason is written to the audit log',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 200: PersonRecord, ...errorResponses },
        },
      },
      async (req) => ctx.registry.revealPerson(authorize(req.caller, 'registry.reveal'), req.params.id, req.body.reason),
    );

    app.get(
      '/api/buildings',
      {
        schema: {
          tags: ['registry'],
          summary: 'Find buildings by address (normalised, trigram similarity)',
          querystring: Type.Object({ q: Type.String({ minLength: 1, maxLength: 200 }), limit: Limit }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  address: Type.String(),
                  name: Nullable(Type.String()),
                  floors: Type.Union([Type.Integer(), Type.Null()]),
                  use: Nullable(Type.String()),
                  gridId: Nullable(Type.String()),
                  lng: Type.Number(),
                  lat: Type.Number(),
                  score: Type.Number(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.registry.searchBuildings(authorize(req.caller, 'registry.read'), req.query.q, req.query.limit ?? 50),
    );

    app.get(
      '/api/components',
      {
        schema: {
          tags: ['registry'],
          summary: 'Components (部件) by code or code prefix (6 admin + 2 major + 2 minor + 6 serial digits)',
          querystring: Type.Object({ code: Type.String({ pattern: '^[0-9]{1,16}$' }), limit: Limit }),
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  id: Type.String(),
                  code: Type.String(),
                  name: Nullable(Type.String()),
                  status: Type.String(),
                  ownerDepartment: Nullable(Type.String()),
                  maintainerDepartment: Nullable(Type.String()),
                  gridId: Nullable(Type.String()),
                  lng: Type.Number(),
                  lat: Type.Number(),
                }),
              ),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) => ctx.registry.components(authorize(req.caller, 'registry.read'), req.query.code, req.query.limit ?? 50),
    );

    app.get(
      '/api/map/:layer',
      {
        schema: {
          tags: ['registry'],
          summary: 'Building footprints (points=true: their points) or component points in a box, as GeoJSON, within your scope',
          params: Type.Object({ layer: Type.Union([Type.Literal('buildings'), Type.Literal('components')]) }),
          querystring: Type.Object({
            bbox: Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat (WGS 84)' }),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20000, default: 5000 })),
            points: Type.Optional(Type.Boolean()),
          }),
        },
      },
      async (req) => {
        const caller = authorize(req.caller, 'registry.read');
        const box = req.query.bbox.split(',').map(Number) as [number, number, number, number];
        if (box.some((n) => !Number.isFinite(n)) || box[0] > box[2] || box[1] > box[3]) {
          throw new AppError('VALIDATION_FAILED', { field: 'bbox', params: { detail: 'bbox must be minLng,minLat,maxLng,maxLat' } });
        }
        const layer = req.params.layer as 'buildings' | 'components';
        return ctx.registry.mapLayer(caller, layer, box, { limit: req.query.limit ?? 5000, points: req.query.points ?? false });
      },
    );

    app.get(
      '/api/map/points',
      {
        schema: {
          tags: ['registry'],
          summary:
            'Every component, or every building centroid, in your scope as compact arrays for a clustered map layer: ' +
            '{asOf, layer, categories, points: [[lng, lat, category index]]} (category: status of a component, use of a building)',
          querystring: Type.Object({ layer: Type.Union([Type.Literal('buildings'), Type.Literal('components')]) }),
        },
      },
      async (req, reply) => {
        const caller = authorize(req.caller, 'registry.read');
        const body = await ctx.registry.mapPoints(caller, req.query.layer);
        reply.type('application/json; charset=utf-8').header('cache-control', 'private, no-cache').header('vary', 'accept-encoding');
        // A hundred thousand points are a few megabytes of JSON and a fifth of that compressed.
        if (body.length > 8192 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
          return reply.header('content-encoding', 'gzip').send(await gzipAsync(body));
        }
        return reply.send(body);
      },
    );

    app.get(
      '/api/completeness',
      {
        schema: {
          tags: ['registry'],
          summary: 'Completeness of basic data per child of a jurisdiction node (or for a grid itself)',
          querystring: Type.Object({ jurisdiction: Type.String({ maxLength: 64 }) }),
          response: { 200: CompletenessSchema, ...errorResponses },
        },
      },
      async (req) => ctx.registry.completeness(authorize(req.caller, 'registry.read'), req.query.jurisdiction),
    );

    app.get(
      '/api/completeness/missing',
      {
        schema: {
          tags: ['registry'],
          summary:
            'The records behind a completeness gap under a node, a page at a time (grid by grid): buildings without households, ' +
            'households without members, incomplete persons',
          querystring: Type.Object({
            jurisdiction: Type.String({ maxLength: 64 }),
            kind: Type.Union(MISSING_KINDS.map((k) => Type.Literal(k))),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            cursor: Type.Optional(Type.String({ maxLength: 200, description: 'the `next` of the previous page' })),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Object({ id: Type.String(), label: Type.String(), gridId: Nullable(Type.String()), missing: Type.Array(Type.String()) })),
              next: Nullable(Type.String()),
            }),
            ...errorResponses,
          },
        },
      },
      async (req) =>
        ctx.registry.missing(authorize(req.caller, 'registry.read'), req.query.jurisdiction, req.query.kind, req.query.limit ?? 100, req.query.cursor),
    );

    app.get(
      '/api/exports/:kind',
      {
        schema: {
          tags: ['registry'],
          summary: 'Export within your scope, masked; with reveal=true and a reason (roles allowed to reveal), in clear. Streamed; audited.',
          params: Type.Object({ kind: Kind }),
          querystring: Type.Object({
            format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')])),
            reveal: Type.Optional(Type.Boolean()),
            reason: Type.Optional(Type.String({ minLength: 2, maxLength: 500 })),
          }),
        },
      },
      async (req, reply) => {
        let caller = authorize(req.caller, 'registry.export');
        let reveal: { reason: string } | undefined;
        if (req.query.reveal) {
          caller = authorize(req.caller, 'registry.reveal');
          if (!req.query.reason) throw new AppError('VALIDATION_FAILED', { field: 'reason', params: { detail: 'a reason is required to export in clear' } });
          reveal = { reason: req.query.reason };
        }
        const kind = req.params.kind as RegistryKind;
        const format = req.query.format ?? 'csv';
        // Streamed page by page as the rows are read: a million rows never sit in memory.
        const rows = ctx.registry.exportRows(caller, kind, reveal ? { reveal } : {});
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${kind}.${format}"`)
          .send(exportStream(format, kind, rows));
      },
    );

    await app.register(organisationRoutes(ctx));
  };
}
