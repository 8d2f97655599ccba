/**
 * What a failed request means, in words a dispatcher can act on, by the error's name. The
 * server's own sentence is for logs and developers (ApiError.serverMessage); the console shows
 * these, or a field's sentence from lib/form-errors.ts.
 */
export const GENERIC_REFUSAL = 'That didn’t work: the server refused it. Check the values and try again.';

export function plainErrorText(error: string, status: number, retryAfterS: number | null = null): string {
  switch (error) {
    case 'NetworkError':
      return 'Cannot reach the server. Check the connection and try again.';
    case 'Unauthorized':
      return 'Your session has ended. Sign in again.';
    case 'Forbidden':
      return 'Your account may not do this. Ask an admin of your company.';
    case 'NotFound':
      return 'This no longer exists. Reload the page.';
    case 'Conflict':
      return 'This already exists or was changed meanwhile. Reload and try again.';
    case 'RateLimited':
      return retryAfterS ? `Too many attempts just now. Wait ${retryAfterS} s and try again.` : 'Too many attempts just now. Wait a moment and try again.';
    case 'PayloadTooLarge':
      return 'This is too large to send. Shorten it and try again.';
    case 'BadResponse':
      return 'The server sent an answer the console does not understand. Try again.';
    case 'BadRequest':
    case 'BadPayload':
    case 'InvalidAction':
      return GENERIC_REFUSAL;
    default:
      return status >= 500 || status === 0 ? 'The server could not do this just now. Try again in a moment.' : GENERIC_REFUSAL;
  }
}
