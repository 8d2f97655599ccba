/**
 * Company API keys: a backend sends one as `X-API-Key` to fetch datasets without a user session.
 */
import Type, { type Static } from 'typebox';
import { IsoTime, Nullable } from './schema-helpers';

export const API_KEY_HEADER = 'x-api-key';

export const ApiKey = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    prefix: Type.String({ description: 'the first characters, to recognise it' }),
    created_at: IsoTime('created'),
    last_used_at: Nullable(IsoTime('last used')),
  },
  { $id: 'ApiKey' },
);
export type ApiKey = Static<typeof ApiKey>;

export const ApiKeyCreate = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
export type ApiKeyCreate = Static<typeof ApiKeyCreate>;

export const ApiKeyCreated = Type.Intersect([ApiKey, Type.Object({ key: Type.String({ description: 'shown once' }) })]);
export type ApiKeyCreated = Static<typeof ApiKeyCreated>;
