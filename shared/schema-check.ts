/**
 * Checking a value against a schema declared in shared/, and saying what is wrong in one
 * readable phrase ("payload.lat must be <= 90", "title is not an accepted field"). The Tracking
 * API's messages, the IPC between the desktop window and its main process, and anything else
 * outside REST use it; REST validates the same schemas through Fastify's Ajv, which also coerces
 * query strings and fills defaults.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export interface SchemaCheck<T> {
  check(value: unknown): value is T;
  /** The first thing wrong with `value`, or null when it matches. */
  problem(value: unknown): string | null;
}

export function schemaCheck<S extends TSchema>(schema: S): SchemaCheck<Static<S>> {
  const compiled = Compile(schema);
  return {
    check: (value): value is Static<S> => compiled.Check(value),
    problem(value) {
      if (compiled.Check(value)) return null;
      for (const e of compiled.Errors(value) as Iterable<{ keyword: string; schemaPath: string; instancePath: string; message: string }>) {
        const where = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
        // "schema is false" is how an unexpected field shows up; say so instead.
        const message = e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties') ? 'is not an accepted field' : e.message;
        return where ? `${where} ${message}` : message;
      }
      return 'does not match';
    },
  };
}
