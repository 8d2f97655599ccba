/**
 * Any failure of a form, in plain words, at the field it is about. A validation answer names the
 * field and its limits (`details`, shared/api/errors.ts) and becomes the field's own sentence
 * ("Stop radius must be between 20 and 2,000 m."); a known error name becomes the form's
 * sentence ("A user named van-01 already exists…"); anything else a generic plain one. The
 * server's own sentence never reaches the screen.
 */
import type { FieldProblem } from '../../../shared/api/errors';
import { ApiError } from '../api/client';
import { GENERIC_REFUSAL } from '../api/error-words';

/** How a form names one of its fields. */
export interface FieldSpec {
  label: string;
  /** shown after numbers: "m", "s", "km/h" */
  unit?: string;
  /** what a value in the wrong form should look like, e.g. "letters, digits, _ . and -" */
  form?: string;
}

export type FieldSpecs<K extends string> = Record<K, FieldSpec>;

export interface FormErrors<K extends string = string> {
  fields: Partial<Record<K, string>>;
  general: string | null;
}

export const NO_ERRORS: FormErrors<never> = { fields: {}, general: null };

/** What a known error name means for this form: a sentence, or a sentence at a field. */
export type CodeWords<K extends string> = Partial<Record<string, string | { field: K; text: string } | ((err: ApiError) => string | { field: K; text: string })>>;

const fmt = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 6 });
const withUnit = (n: number, unit?: string) => (unit ? `${fmt(n)} ${unit}` : fmt(n));
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** A range the field accepts, in words: "between 20 and 2,000 m", "at least 1", "at most 200". */
export function rangeWords(min: number | undefined, max: number | undefined, unit?: string): string | null {
  if (min !== undefined && max !== undefined) return `between ${fmt(min)} and ${withUnit(max, unit)}`;
  if (min !== undefined) return `at least ${withUnit(min, unit)}`;
  if (max !== undefined) return `at most ${withUnit(max, unit)}`;
  return null;
}

/** The sentence for one refused field, from the rule it broke and its limits. */
export function fieldSentence(spec: FieldSpec, d: Omit<FieldProblem, 'in' | 'field'>): string {
  const { label } = spec;
  const range = rangeWords(d.minimum, d.maximum, spec.unit);
  switch (d.rule) {
    case 'required':
      return `Enter the ${lower(label)}.`;
    case 'minimum':
    case 'maximum':
      return range ? `${label} must be ${range}.` : `${label} is out of range.`;
    case 'type':
      if (d.expected === 'number' || d.expected === 'integer') return `${label} must be a ${d.expected === 'integer' ? 'whole ' : ''}number${range ? ` ${range}` : ''}.`;
      return `${label} is not in the right form.`;
    case 'min_length':
      if ((d.min_length ?? 1) <= 1) return `${label} can’t be empty.`;
      return `${label} needs at least ${fmt(d.min_length!)} characters.`;
    case 'max_length':
      return `${label} can have at most ${fmt(d.max_length ?? 0)} characters.`;
    case 'pattern':
    case 'format':
      // The one pattern on a free text is "not only spaces".
      if (d.min_length === 1 && !spec.form) return `${label} can’t be empty.`;
      return spec.form ? `${label} must use ${spec.form}.` : `${label} is not in the right form.`;
    case 'choice':
      return `Choose one of the offered values for ${lower(label)}.`;
    case 'min_items':
      return `Pick at least ${fmt(d.min_length ?? 1)} for ${lower(label)}.`;
    case 'max_items':
      return `${label} can have at most ${fmt(d.max_length ?? 0)} entries.`;
    default:
      return `${label} is not accepted. Check it and try again.`;
  }
}

/** Any failure, mapped to this form's fields and its general line. */
export function formErrors<K extends string>(err: unknown, specs: FieldSpecs<K>, codes: CodeWords<K> = {}): FormErrors<K> {
  if (!(err instanceof ApiError)) return { fields: {}, general: 'Something went wrong. Try again.' };
  const known = codes[err.error];
  if (known) {
    const said = typeof known === 'function' ? known(err) : known;
    return typeof said === 'string' ? { fields: {}, general: said } : { fields: { [said.field]: said.text } as Partial<Record<K, string>>, general: null };
  }
  const d = err.details[0];
  if (d && (err.error === 'BadRequest' || err.error === 'BadPayload')) {
    const field = d.field.split('.')[0] as K;
    if (d.field && field in specs) return { fields: { [field]: fieldSentence(specs[field], d) } as Partial<Record<K, string>>, general: null };
    return { fields: {}, general: GENERIC_REFUSAL };
  }
  return { fields: {}, general: err.message };
}

/** The sentence for any failure outside a form (a button, a load). */
export const problemText = (err: unknown): string => formErrors(err, {}).general ?? 'Something went wrong. Try again.';

export const hasErrors = (e: FormErrors): boolean => e.general !== null || Object.keys(e.fields).length > 0;
