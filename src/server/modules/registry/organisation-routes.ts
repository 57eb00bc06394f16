import { Type } from '@fastify/type-provider-typebox';
import type { App, AppContext } from '../../app.ts';
import { authorize } from '../../policy.ts';
import { errorResponses } from '../../schemas.ts';
import { ORGANISATION_KINDS } from './organisation-import.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Kind = Type.Union(ORGANISATION_KINDS.map((k) => Type.Literal(k)));
const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });

const OrganisationSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  jurisdictionId: Type.String(),
  jurisdictionCode: Type.String(),
  jurisdictionName: Type.Object({ 'zh-Hant': Type.String(), 'zh-Hans': Type.String(), en: Type.String() }),
  contactName: Nullable(Type.String()),
  contactPhone: Nullable(Type.String()),
  compounds: Type.Array(Type.String()),
  address: Nullable(Type.String()),
  updatedAt: Type.String(),
  masked: Type.Boolean(),
});

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  jurisdictionId: Type.String({ maxLength: 64 }),
  contactName: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  contactPhone: Type.Union([Type.String({ maxLength: 40 }), Type.Null()]),
  compounds: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 }),
  address: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
};

/** Organisations: partner units, property companies, social organisations, owners' committees (see organisations.ts). */
export function organisationRoutes(ctx: AppContext) {
  const service = ctx.registry.organisations;
  return async (app: App) => {
    app.get(
      '/api/organisations',
      {
        schema: {
          tags: ['registry'],
          summary: 'Organisations in your area (partner units, property companies, social organisations, owners\' committees); contacts masked',
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 100 })),
            kind: Type.Optional(Kind),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
            cursor: Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: { 200: Type.Object({ items: Type.Array(OrganisationSchema), next: Nullable(Type.String()) }), ...errorResponses },
        },
      },
      async (req) => {
        const { q, kind, cursor } = req.query;
        return service.list(authorize(req.caller, 'registry.read'), { q, kind, cursor, limit: req.query.limit ?? 50 });
      },
    );

    app.get(
      '/api/organisations/:id',
      { schema: { tags: ['registry'], summary: 'An organisation; contact masked', params: Id, response: { 200: OrganisationSchema, ...errorResponses } } },
      async (req) => service.get(authorize(req.caller, 'registry.read'), req.params.id),
    );

    app.post(
      '/api/organisations',
      {
        schema: {
          tags: ['registry'],
          summary: 'Register an organisation (administrators; audited)',
          body: Type.Object(
            {
              kind: Kind,
              name: Fields.name,
              jurisdictionId: Fields.jurisdictionId,
              contactName: Type.Optional(Fields.contactName),
              contactPhone: Type.Optional(Fields.contactPhone),
              compounds: Type.Optional(Fields.compounds),
              address: Type.Optional(Fields.address),
            },
            { additionalProperties: false },
          ),
          response: { 201: OrganisationSchema, ...errorResponses },
        },
      },
      async (req, reply) => reply.status(201).send(await service.create(authorize(req.caller, 'registry.organisations'), req.body)),
    );

    app.patch(
      '/api/organisations/:id',
      {
        schema: {
          tags: ['registry'],
          summary: 'Change an organisation (administrators; audited with the names of the fields changed); null clears a field',
          params: Id,
          body: Type.Object(
            {
              kind: Type.Optional(Kind),
              name: Type.Optional(Fields.name),
              jurisdictionId: Type.Optional(Fields.jurisdictionId),
              contactName: Type.Optional(Fields.contactName),
              contactPhone: Type.Optional(Fields.contactPhone),
              compounds: Type.Optional(Fields.compounds),
              address: Type.Optional(Fields.address),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: OrganisationSchema, ...errorResponses },
        },
      },
      async (req) => service.update(authorize(req.caller, 'registry.organisations'), req.params.id, req.body),
    );

    app.post(
      '/api/organisations/:id/reveal',
      {
        schema: {
          tags: ['registry'],
          summary: "An organisation with its contact's phone in clear; the reason is written to the audit log",
          params: Id,
          body: Type.Object({ reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 200: OrganisationSchema, ...errorResponses },
        },
      },
      async (req) => service.reveal(authorize(req.caller, 'registry.reveal'), req.params.id, req.body.reason),
    );
  };
}
