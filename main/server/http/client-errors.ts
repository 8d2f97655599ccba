/**
 * Requests Node's HTTP parser refuses before any route sees them (an address and headers over
 * 16 KB, a malformed request line, a request that took too long): answered on every port with
 * the API's `{error, message}` body in plain words, instead of Node's bare status line or
 * Fastify's own body shape.
 */
import type { Duplex } from 'node:stream';

const ANSWERS: Record<string, { status: number; reason: string; error: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', error: 'BadRequest', message: 'the request address and headers are too long (over 16 KB)' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', error: 'BadRequest', message: 'the request did not arrive in time' },
};
const MALFORMED = { status: 400, reason: 'Bad Request', error: 'BadRequest', message: 'the request is not valid HTTP' };

/** A `clientError` listener for every port (http.Server, https.Server, Fastify's clientErrorHandler). */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const a = (err.code && ANSWERS[err.code]) || MALFORMED;
  if (socket.writable) {
    const body = JSON.stringify({ error: a.error, message: a.message });
    socket.write(`HTTP/1.1 ${a.status} ${a.reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
