import pino from 'pino';

export type Logger = pino.Logger;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured logs on stderr (stdout carries only the "listening" line): JSON lines, or a
 * readable form when stderr is a terminal.
 */
export function createLogger(level: LogLevel = 'info', pretty = process.stderr.isTTY === true): Logger {
  if (pretty) {
    return pino({ level, base: undefined }, pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } }));
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: false }));
}
