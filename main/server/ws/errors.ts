/**
 * The domain's errors as the Tracking API names them ({"type":"error","error":…}): the seed's
 * table (Unauthorized, InvalidAction, Forbidden, BadPayload) plus RateLimited and Unavailable. This is the one
 * place a DomainError's kind becomes a WebSocket error code.
 */
import type { TrackErrorCode } from '../../../shared/protocol/tracking';
import type { ErrorKind } from '../errors';

export function trackErrorCode(kind: ErrorKind): TrackErrorCode {
  switch (kind) {
    case 'Unauthorized':
    case 'Forbidden':
    case 'RateLimited':
    case 'InvalidAction':
    case 'BadPayload':
      return kind;
    case 'NotFound':
      return 'Forbidden'; // another company's ids look exactly like unknown ones
    case 'InternalError':
    case 'Unavailable':
      return 'Unavailable'; // not stored (disk full, …): the client keeps it and sends it again
    default:
      return 'BadPayload';
  }
}
