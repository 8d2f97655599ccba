import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { schemaCheck } from '../../../shared/schema-check';
import type { FieldProblem } from '../../../shared/api/errors';

/** What the error handler (http/app.ts) needs to answer 400 with the phrase and the field it is about. */
export class ValidationProblem extends Error {
  /** set so Fastify and the error handler treat it as a validation failure */
  readonly validation: { message: string }[];
  readonly statusCode = 400;
  constructor(
    message: string,
    readonly detail: FieldProblem,
  ) {
    super(message);
    this.validation = [{ message }];
  }
}

/**
 * REST validates with the same helper as the Tracking API and IPC (shared/schema-check.ts).
 * Query strings and path parameters arrive as text and are converted to the schema's types;
 * JSON bodies are not, so `"display_name": 42` is an error rather than the string "42".
 * Defaults declared in the schemas are filled in both.
 */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) => {
    const checker = schemaCheck(schema as TSchema);
    const text = httpPart !== 'body';
    // Headers are checked, never replaced (Fastify builds them on demand).
    if (httpPart === 'headers') return (data: unknown) => {
      const r = checker.parse(data, { root: httpPart });
      return 'value' in r ? {} : { error: new ValidationProblem(r.problem, r.detail) };
    };
    return (data: unknown) => {
      let r;
      try {
        r = checker.parse(data, { text, defaults: true, root: httpPart });
      } catch (err) {
        // Copying a value nested thousands of levels deep (a JSON body of `[[[[…]]]]`) overflows the stack.
        if (err instanceof RangeError) return { error: new ValidationProblem(`the ${httpPart === 'body' ? 'JSON body' : httpPart} is nested too deeply`, { in: httpPart === 'querystring' || httpPart === 'params' || httpPart === 'headers' ? httpPart : 'body', field: '', rule: 'other' }) };
        throw err;
      }
      return 'value' in r ? { value: r.value } : { error: new ValidationProblem(r.problem, r.detail) };
    };
  };
}
