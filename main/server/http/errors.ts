import type { ApiErrorName } from '../../../shared/api/schemas';

/** An error with an HTTP status and a stable name; the error handler turns it into `{error, message}`. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: ApiErrorName,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (m: string) => new HttpError(400, 'BadRequest', m);
export const unauthorized = (m: string) => new HttpError(401, 'Unauthorized', m, { 'www-authenticate': 'Bearer' });
export const forbidden = (m: string) => new HttpError(403, 'Forbidden', m);
export const notFound = (m: string) => new HttpError(404, 'NotFound', m);
export const conflict = (m: string) => new HttpError(409, 'Conflict', m);

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
