import { Type } from '@fastify/type-provider-typebox';

export const ErrorSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
    details: Type.Optional(Type.Unknown()),
  },
  { $id: 'Error' },
);

export const NamesSchema = Type.Object({
  'zh-Hant': Type.String(),
  'zh-Hans': Type.String(),
  en: Type.String(),
});

export const Uuid = Type.String({ format: 'uuid' });

/** The error responses every route may give, so that serialisation never drops their fields. */
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  409: ErrorSchema,
  413: ErrorSchema,
  422: ErrorSchema,
  423: ErrorSchema,
  429: ErrorSchema,
  503: ErrorSchema,
};
