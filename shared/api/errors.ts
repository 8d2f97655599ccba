/**
 * What a refused request says about the field it refused, beside the `{error, message}` every
 * error answer has: `details` names the field and the rule it broke, with the field's limits
 * from its schema, so a client can say "Stop radius must be between 20 and 2,000" at the field
 * instead of showing the schema check's phrase.
 */
import Type, { type Static } from 'typebox';

export const FIELD_RULES = ['required', 'type', 'minimum', 'maximum', 'min_length', 'max_length', 'pattern', 'format', 'choice', 'unknown_field', 'min_items', 'max_items', 'other'] as const;
export type FieldRule = (typeof FIELD_RULES)[number];

export const FieldProblem = Type.Object(
  {
    in: Type.Union([Type.Literal('body'), Type.Literal('querystring'), Type.Literal('params'), Type.Literal('headers'), Type.Literal('')], {
      description: 'the part of the request ("" outside HTTP)',
    }),
    field: Type.String({ description: 'the field, dotted from the part\'s root ("stop_radius_m", "settings.url"); "" for the part as a whole' }),
    rule: Type.Unsafe<FieldRule>({ type: 'string', enum: [...FIELD_RULES], description: 'the rule the value broke' }),
    minimum: Type.Optional(Type.Number({ description: "the field's lowest accepted number" })),
    maximum: Type.Optional(Type.Number({ description: "the field's highest accepted number" })),
    min_length: Type.Optional(Type.Integer({ description: 'fewest characters (or items)' })),
    max_length: Type.Optional(Type.Integer({ description: 'most characters (or items)' })),
    expected: Type.Optional(Type.String({ description: 'the expected type (rule "type")' })),
    choices: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { description: 'the accepted values (rule "choice")' })),
  },
  { description: 'One field a request was refused for' },
);
export type FieldProblem = Static<typeof FieldProblem>;
