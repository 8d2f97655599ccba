/**
 * A refused destination in plain words, at the field it is about. The server names the field
 * first ("topic_arn must be arn:aws:sns:…", "url must be a full http or https address…",
 * "settings/url is required", "body/name must NOT have fewer than 1 characters"); the console
 * shows the sentence under that field with the field's own label, never a schema path.
 */
import type { Provider } from '../../../../shared/api/notifications';
import { ApiError } from '../../api/client';
import { plainErrorText } from '../../api/error-words';
import { fieldSentence } from '../../lib/form-errors';
import { FIELD_LABELS, PROVIDER_FIELDS, fieldLabel, lowerFirst, type Problem } from './destination-draft';

const PATH_PREFIX = /^(?:(?:body|query|params)[/.])?(?:settings[/.])?/;

function fieldKeys(provider: Provider): string[] {
  return [...PROVIDER_FIELDS[provider].map((f) => f.key), ...Object.keys(FIELD_LABELS), ...(provider === 'webhook' ? ['headers'] : [])];
}

const sentence = (s: string): string => {
  const t = s.trim();
  if (!t) return t;
  const up = t[0]!.toUpperCase() + t.slice(1);
  // No full stop after an example address or value: it would read as part of it.
  const last = up.split(/\s+/).pop() ?? '';
  return /[.!?…)]$/.test(up) || /[/:=<>_@]/.test(last) ? up : `${up}.`;
};

/** Schema phrases ("must NOT have fewer than 1 characters") as a person says them. */
function plainRest(label: string, sub: string | null, rest: string, field: string): string {
  const what = sub ? `${label} “${sub}”` : label;
  let m: RegExpExecArray | null;
  if (rest === 'is required') return `Enter the ${lowerFirst(label)}.`;
  if ((m = /^must not have fewer than (\d+) (characters|items)/i.exec(rest))) {
    if (m[1] === '1') return field === 'name' ? 'Give the destination a name.' : field === 'events' ? 'Pick at least one event type.' : `${what} cannot be empty.`;
    return `${what} needs at least ${m[1]} ${m[2]}.`;
  }
  if ((m = /^must not have more than (\d+) (characters|items)/i.exec(rest))) return `${what} can have at most ${m[1]} ${m[2]}.`;
  if (/^must be (string|integer|number|boolean|object|array)$/.test(rest)) return `${what} is not in the right form.`;
  if ((m = /^must be one of (.+)$/.exec(rest))) {
    if (field === 'events') return 'Pick the event types from the list.';
    return `${what} must be one of ${m[1]!.replace(/["“”]/g, '')}.`;
  }
  if (/^must not have duplicate items/i.test(rest)) return `${what} lists an entry twice.`;
  if (/^is not an accepted field/.test(rest)) return `“${sub ?? label}” is not a setting of this kind of destination.`;
  return sentence(`${what} ${rest}`);
}

/** Any field key or path left in a sentence, as its label ("topic_arn" → "Topic ARN"). */
function withLabels(text: string, provider: Provider): string {
  let out = text.replace(/\b(?:body|query|params)\//g, '').replace(/\bsettings\//g, '').replace(/"([^"]*)"/g, '“$1”');
  for (const key of fieldKeys(provider)) if (key.includes('_')) out = out.replace(new RegExp(`\\b${key}\\b`, 'g'), lowerFirst(fieldLabel(provider, key)));
  return out;
}

/** A server message about a destination's fields: the field it names and a plain sentence. */
export function fieldProblemOf(message: string, provider: Provider): Problem {
  const msg = message.trim();
  const keys = fieldKeys(provider);
  const stripped = msg.replace(PATH_PREFIX, '');
  const lead = /^([A-Za-z_]+)(?:[/.]([^\s]+))?\s+(.*)$/s.exec(stripped);
  if (lead && keys.includes(lead[1]!)) {
    const field = lead[1]!;
    const sub = lead[2] && !/^\d+$/.test(lead[2]) ? lead[2].replace(/\//g, '.') : null;
    if (lead[3]!.startsWith('is not an accepted field') && sub === null && /^settings[/.]/.test(msg.replace(/^body[/.]/, ''))) {
      return { field: null, text: `“${field}” is not a setting of this kind of destination.` };
    }
    return { field, text: plainRest(fieldLabel(provider, field), sub, withLabels(lead[3]!, provider), field) };
  }
  if (/^settings[/.]?\S*\s+is not an accepted field/.test(msg.replace(/^body[/.]/, ''))) {
    const name = /settings[/.](\S+)/.exec(msg)?.[1] ?? 'this';
    return { field: null, text: `“${name}” is not a setting of this kind of destination.` };
  }
  // "the header "Host" is set by FleetDesk…", ""X Y" is not a valid header name"
  if (provider === 'webhook' && /\bheader\b/i.test(msg)) return { field: 'headers', text: sentence(msg.replace(/"([^"]*)"/g, '“$1”')) };
  // A sentence that names a field later on ("the connection string has no Endpoint=…").
  for (const key of keys) {
    if (key === 'name') continue; // "header name", "host name": not the destination's name
    const label = fieldLabel(provider, key).toLowerCase().replace(/s$/, 's?');
    if (new RegExp(`\\b${key}\\b`).test(stripped) || new RegExp(`\\b${label}\\b`, 'i').test(stripped)) {
      return { field: key, text: sentence(withLabels(stripped, provider)) };
    }
  }
  return { field: null, text: sentence(withLabels(stripped, provider)) };
}

/** A schema refusal the server named as data (`details`): the console's one wording (lib/form-errors.ts). */
function detailProblem(err: ApiError, provider: Provider): Problem | null {
  const d = err.details[0];
  if (!d) return null;
  const parts = d.field.split('.');
  const key = parts[0] === 'settings' && parts[1] ? parts[1] : parts[0]!;
  // Ranges only: the other rules already have their own words here (plainRest), which the tests pin.
  if (!fieldKeys(provider).includes(key) || (d.rule !== 'minimum' && d.rule !== 'maximum')) return null;
  return { field: key, text: fieldSentence({ label: fieldLabel(provider, key) }, d) };
}

/** Any failure of a destination request, in plain words, with the field when it names one. */
export function destinationProblem(err: unknown, provider: Provider): Problem {
  if (!(err instanceof ApiError)) return { field: null, text: 'Something went wrong. Try again.' };
  const byDetail = detailProblem(err, provider);
  if (byDetail) return byDetail;
  switch (err.error) {
    case 'NetworkError':
      return { field: null, text: plainErrorText('NetworkError', 0) };
    case 'NotFound':
      return { field: null, text: 'This destination no longer exists. Close this and reload the list.' };
    case 'Forbidden':
      return { field: null, text: 'Only admins manage integrations. Ask an admin of your company.' };
    case 'RateLimited':
      return { field: null, text: 'Too many requests just now. Wait a moment and try again.' };
    case 'BadRequest':
    case 'BadPayload':
    case 'Conflict':
    case 'InvalidAction':
      return fieldProblemOf(err.serverMessage, provider);
    default:
      return { field: null, text: 'The server could not do this just now. Try again.' };
  }
}

/** Any other notification action (test send, redeliver, switch) in plain words. */
export function actionProblem(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong. Try again.';
  switch (err.error) {
    case 'NetworkError':
      return 'Cannot reach the server. Check the connection and try again.';
    case 'NotFound':
      return 'This no longer exists. Reload the page.';
    case 'Forbidden':
      return 'Only admins manage integrations.';
    case 'RateLimited':
      return 'Too many requests just now. Wait a moment and try again.';
    case 'BadRequest':
    case 'BadPayload':
    case 'Conflict':
    case 'InvalidAction':
      return sentence(err.serverMessage.replace(/\b(?:body|query|params)\//g, '').replace(/\bsettings\//g, ''));
    default:
      return 'The server could not do this just now. Try again.';
  }
}
