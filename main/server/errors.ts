/**
 * The one error of FleetDesk's domain: a kind drawn from the error names the API already
 * documents (REST `{error}` and the Tracking API's `{"type":"error"}`), and a message a person
 * can act on. Domain code throws it and knows nothing of HTTP or WebSockets: http/errors.ts maps
 * it to a status and body, ws/errors.ts to an error reply, each in one place.
 */
import type { ApiErrorName } from '../../shared/api/schemas';
import type { TrackErrorCode } from '../../shared/protocol/tracking';

export type ErrorKind = ApiErrorName | TrackErrorCode;

export interface ErrorDetails {
  /** seconds to wait before trying again (RateLimited) */
  retryAfterS?: number;
  /** how to authenticate (Unauthorized): a WWW-Authenticate challenge */
  challenge?: string;
  /** a wrong device key or code: counted against the caller's address (http/attempts.ts) */
  guess?: boolean;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const badRequest = (m: string) => new DomainError('BadRequest', m);
export const badPayload = (m: string) => new DomainError('BadPayload', m);
export const unauthorized = (m: string, details: ErrorDetails = {}) => new DomainError('Unauthorized', m, details);
export const forbidden = (m: string) => new DomainError('Forbidden', m);
export const notFound = (m: string, details: ErrorDetails = {}) => new DomainError('NotFound', m, details);
export const conflict = (m: string) => new DomainError('Conflict', m);
export const rateLimited = (m: string, retryAfterS?: number) => new DomainError('RateLimited', m, retryAfterS === undefined ? {} : { retryAfterS });
