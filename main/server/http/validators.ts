import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const common: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false };

/**
 * Query strings and path parameters arrive as text and are coerced to the schema's types;
 * JSON bodies are not, so `"display_name": 42` is an error rather than the string "42".
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = addFormats.default(new Ajv({ ...common, coerceTypes: false }));
  const text = addFormats.default(new Ajv({ ...common, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object);
}
