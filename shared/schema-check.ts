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
import type { FieldProblem, FieldRule } from './api/errors';

export interface SchemaCheck<T> {
  check(value: unknown): value is T;
  /** The first thing wrong with `value`, or null when it matches. */
  problem(value: unknown): string | null;
  /**
   * The value as the schema wants it, or what is wrong with it. `text` converts strings to the
   * schema's numbers, booleans and arrays first (query strings, path parameters); `defaults`
   * fills the schema's default values. The input is not changed.
   */
  parse(value: unknown, opts?: ParseOptions): { value: T } | { problem: string; detail: FieldProblem };
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
  params: { requiredProperties?: string[]; allowedValue?: unknown; type?: unknown };
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

const RULES: Record<string, FieldRule> = {
  required: 'required',
  type: 'type',
  minimum: 'minimum',
  exclusiveMinimum: 'minimum',
  maximum: 'maximum',
  exclusiveMaximum: 'maximum',
  minLength: 'min_length',
  maxLength: 'max_length',
  minItems: 'min_items',
  maxItems: 'max_items',
  pattern: 'pattern',
  format: 'format',
  const: 'choice',
  enum: 'choice',
  anyOf: 'choice',
  boolean: 'unknown_field',
};

const PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/** The sub-schema a schemaPath such as "#/properties/o/properties/k" points at. */
function subSchema(schema: unknown, schemaPath: string): Record<string, unknown> {
  let at = schema as Record<string, unknown> | undefined;
  for (const key of schemaPath.split('/').slice(1)) at = (at?.[key] ?? undefined) as Record<string, unknown> | undefined;
  return at ?? {};
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The first error as data: the field, the rule, and the field's own limits from its schema. */
function detailOf(schema: TSchema, errors: SchemaError[], root?: string): FieldProblem {
  const e = errors[0];
  const part = (PARTS as readonly string[]).includes(root ?? '') ? (root as FieldProblem['in']) : '';
  if (!e) return { in: part, field: '', rule: 'other' };
  const required = e.keyword === 'required' ? e.params.requiredProperties?.[0] : undefined;
  const field = place(e.instancePath, undefined, required);
  const rule: FieldRule = e.keyword === 'boolean' && !e.schemaPath.endsWith('/additionalProperties') ? 'other' : (RULES[e.keyword] ?? 'other');
  const d: FieldProblem = { in: part, field, rule };
  const own = required === undefined ? subSchema(schema, e.schemaPath.replace(/\/anyOf\/\d+$/, '')) : subSchema(schema, `${e.schemaPath}/properties/${required}`);
  const limits: [keyof FieldProblem, unknown][] = [
    ['minimum', num(own.minimum) ?? num(own.exclusiveMinimum)],
    ['maximum', num(own.maximum) ?? num(own.exclusiveMaximum)],
    ['min_length', num(own.minLength) ?? num(own.minItems)],
    ['max_length', num(own.maxLength) ?? num(own.maxItems)],
  ];
  for (const [k, v] of limits) if (v !== undefined) (d as Record<string, unknown>)[k] = v;
  if (rule === 'type' && typeof e.params.type === 'string') d.expected = e.params.type;
  if (rule === 'choice') {
    const choices = errors.filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath).map((x) => x.params.allowedValue);
    if (choices.length && choices.every((c) => c === null || ['string', 'number', 'boolean'].includes(typeof c))) d.choices = choices as FieldProblem['choices'];
  }
  return d;
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
      if (compiled.Check(v)) return { value: v as Static<S> };
      const errors = [...compiled.Errors(v)] as SchemaError[];
      return { problem: phrase(errors, opts.root), detail: detailOf(schema, errors, opts.root) };
    },
  };
}
