/**
 * Checking a value against a schema declared in shared/, and saying what is wrong in one
 * readable phrase ("payload.lat must be <= 90", "name is required", "title is not an accepted
 * field"). Every door uses it: REST (http/validators.ts, which also converts query strings and
 * path parameters from text and fills defaults), the Tracking API's messages, and the IPC
 * between the desktop window and its main process.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

export interface SchemaCheck<T> {
  check(value: unknown): value is T;
  /** The first thing wrong with `value`, or null when it matches. */
  problem(value: unknown): string | null;
  /**
   * The value as the schema wants it, or what is wrong with it. `text` converts strings to the
   * schema's numbers, booleans and arrays first (query strings, path parameters); `defaults`
   * fills the schema's default values. The input is not changed.
   */
  parse(value: unknown, opts?: ParseOptions): { value: T } | { problem: string };
}

export interface ParseOptions {
  /** convert strings to the schema's numbers, booleans and arrays first */
  text?: boolean;
  /** fill the schema's default values */
  defaults?: boolean;
  /** name the place as REST does, from this root with slashes ("body/payload/lat") */
  root?: string;
}

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  message: string;
  params: { requiredProperties?: string[]; allowedValue?: unknown };
}

/** The place of an error: "payload.lat", or with a root "body/payload/lat". */
function place(instancePath: string, root: string | undefined, field?: string): string {
  const parts = [...instancePath.split('/').slice(1), ...(field === undefined ? [] : [field])];
  return root === undefined ? parts.join('.') : [root, ...parts].join('/');
}

/** One phrase for the first error (several `const` errors on one field are the choices of a union). */
function phrase(errors: SchemaError[], root?: string): string {
  const [e] = errors;
  if (!e) return 'does not match';
  const where = place(e.instancePath, root);
  if (e.keyword === 'required' && e.params.requiredProperties?.length) return `${place(e.instancePath, root, e.params.requiredProperties[0]!)} is required`;
  if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) return `${where} is not an accepted field (additional properties are not allowed)`;
  if (e.keyword === 'const') {
    const choices = errors.filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath).map((x) => JSON.stringify(x.params.allowedValue));
    const message = choices.length > 1 ? `must be one of ${choices.join(', ')}` : `must be ${choices[0]}`;
    return where ? `${where} ${message}` : message;
  }
  return where ? `${where} ${e.message}` : e.message;
}

export function schemaCheck<S extends TSchema>(schema: S): SchemaCheck<Static<S>> {
  const compiled = Compile(schema);
  const problem = (value: unknown, root?: string): string | null => (compiled.Check(value) ? null : phrase([...compiled.Errors(value)] as SchemaError[], root));
  return {
    check: (value): value is Static<S> => compiled.Check(value),
    problem,
    parse(value, opts = {}) {
      let v = value;
      if (opts.text || opts.defaults) v = Value.Clone(v);
      if (opts.text) v = Value.Convert(schema, v);
      if (opts.defaults) v = Value.Default(schema, v);
      const wrong = problem(v, opts.root);
      return wrong === null ? { value: v as Static<S> } : { problem: wrong };
    },
  };
}
