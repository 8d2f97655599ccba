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
/**
 * The database cannot take writes now (SQLite's SQLITE_FULL: the disk, or the database's size
 * limit; a read-only or failing file): the client is told in plain words that nothing was
 * stored and to send it again later. The cause stays on the error for the log. Any other error
 * is returned as it is.
 */
export function storageRefusal(err: unknown): unknown {
  if (!isStorageUnavailable(err)) return err;
  const why = isDiskFull(err) ? "the server's disk is full" : 'the server cannot write to its data folder';
  const e = new DomainError('InternalError', `${why}: nothing was stored; send it again later`);
  (e as { cause?: unknown }).cause = err;
  return e;
}

const sqliteCode = (err: unknown): string => String((err as { code?: unknown } | null)?.code ?? '');

/** SQLite's SQLITE_FULL: the disk, or the database's page limit, is full. */
export const isDiskFull = (err: unknown): boolean => sqliteCode(err) === 'SQLITE_FULL';

/** A SQLite error that means the database cannot take writes now (disk full, read-only, I/O). */
export function isStorageUnavailable(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR');
}

export const rateLimited = (m: string, retryAfterS?: number) => new DomainError('RateLimited', m, retryAfterS === undefined ? {} : { retryAfterS });
