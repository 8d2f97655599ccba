import Type from 'typebox';

/** Company and user identifiers: short, URL-safe, human-typeable. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';
export const ID_REGEX = new RegExp(ID_PATTERN);

export const Id = (description: string) => Type.String({ pattern: ID_PATTERN, description });

export const ROLES = ['admin', 'office', 'driver'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('office'), Type.Literal('driver')], { description: 'admin, office or driver' });

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ROLES as readonly string[]).includes(value);
