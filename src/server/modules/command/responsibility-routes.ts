import { Type } from '@fastify/type-provider-typebox';
import { DataCipher } from '../../../domain/crypto.ts';
import type { App, AppContext } from '../../app.ts';
import { authorize } from '../../policy.ts';
import { errorResponses, NamesSchema, Uuid } from '../../schemas.ts';
import { ResponsibilityService } from './responsibility.ts';

const NodeRefSchema = Type.Object({ id: Type.String(), level: Type.String(), code: Type.String(), name: NamesSchema });

const Chain = Type.Object({
  grid: NodeRefSchema,
  chain: Type.Array(
    Type.Object({
      level: Type.String(),
      node: Type.Optional(NodeRefSchema),
      department: Type.Optional(Type.Object({ id: Type.String(), code: Type.String(), kind: Type.String(), name: NamesSchema })),
      people: Type.Array(
        Type.Object({
          role: Type.String(),
          name: Type.String(),
          userId: Type.Optional(Type.String()),
          phone: Type.Optional(Type.String()),
        }),
      ),
      editable: Type.Boolean({ description: 'the caller administers this link: a PUT replaces its entries' }),
    }),
  ),
  masked: Type.Boolean(),
});

const Entry = Type.Object(
  {
    jurisdictionId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    role: Type.String({ minLength: 1, maxLength: 60 }),
    userId: Type.Optional(Uuid),
    name: Type.Optional(Type.String({ maxLength: 100 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

/**
 * Managing chains is territory administration: the admin role with the territory:write capability (POLICY has no
 * entry of its own for it yet).
 */
const MANAGE = 'territory.import';

export function responsibilityRoutes(ctx: AppContext) {
  const service = new ResponsibilityService(ctx.db, new DataCipher(ctx.config.dataKey));
  return async (app: App) => {
    app.get(
      '/api/grids/:id/responsibility',
      {
        schema: {
          tags: ['command'],
          summary: 'The responsibility chain of a grid (責任鏈): grid workers, leaders up to the district, department heads',
          description: 'Phones are masked except for admins over the row, whose clear reads are audited.',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          response: { 200: Chain, ...errorResponses },
        },
      },
      async (req) => service.get(authorize(req.caller, 'territory.read'), req.params.id),
    );

    app.put(
      '/api/grids/:id/responsibility',
      {
        schema: {
          tags: ['command'],
          summary: 'Replace the responsibility entries of a grid’s chain that you administer (admin, audited)',
          description:
            'Each entry names a node of the chain (jurisdictionId: the grid, its community, street or district) or a ' +
            'department serving the grid (departmentId: its head). The body is the whole editable chain.',
          params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
          body: Type.Object({ entries: Type.Array(Entry, { maxItems: 200 }) }, { additionalProperties: false }),
          response: { 200: Chain, ...errorResponses },
        },
      },
      async (req) => service.put(authorize(req.caller, MANAGE), req.params.id, req.body.entries),
    );
  };
}
