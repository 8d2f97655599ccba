/**
 * The domain's errors as HTTP answers: the one place a DomainError's kind becomes a status, its
 * details become headers (Retry-After, WWW-Authenticate) and its message the `{error, message}`
 * body every route answers with. Routes throw the domain's errors (re-exported here).
 */
import type { ApiErrorName } from '../../../shared/api/schemas';
import { DomainError, type ErrorKind } from '../errors';

export { DomainError, badPayload, badRequest, conflict, forbidden, notFound, rateLimited, unauthorized } from '../errors';

const STATUS: Record<ErrorKind, number> = {
  BadRequest: 400,
  BadPayload: 400,
  InvalidAction: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  Conflict: 409,
  PayloadTooLarge: 413,
  RateLimited: 429,
  InternalError: 503,
  Unavailable: 503,
};

/** A storage or other failure the client may retry: 503, the message saying so. */
export const unavailable = (m: string) => new DomainError('InternalError', m);

export function httpAnswer(err: DomainError): { status: number; headers: Record<string, string>; body: { error: ErrorKind; message: string } } {
  const headers: Record<string, string> = {};
  if (err.details.retryAfterS !== undefined) headers['retry-after'] = String(err.details.retryAfterS);
  if (err.kind === 'Unauthorized') headers['www-authenticate'] = err.details.challenge ?? 'Bearer';
  return { status: STATUS[err.kind], headers, body: { error: err.kind, message: err.message } };
}

/** The error name for a status, for errors Fastify raises itself. */
export function nameForStatus(status: number): ApiErrorName {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 413:
      return 'PayloadTooLarge';
    case 429:
      return 'RateLimited';
    default:
      return status >= 500 ? 'InternalError' : 'BadRequest';
  }
}
