/** Small schema builders every REST and protocol shape uses, declared once. */
import Type from 'typebox';

/** A value or null (responses; for nullable request fields see ProfileText in ./schemas.ts). */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** An ISO-8601 date and time. */
export const IsoTime = (description: string) => Type.String({ format: 'date-time', description });
