/**
 * Per-module loggers. Secrets (tokens, passwords, keys) and card UIDs never reach a log line: pino's
 * redaction censors them by key wherever they appear in the logged object, so a careless `log.info({ cfg })`
 * cannot leak them. Code that needs to correlate taps logs `uidHash` instead.
 */
import { pino } from 'pino';
import type { Logger } from '../../hal/logger.ts';

export const REDACTED_KEYS = [
  'uid',
  'cardUid',
  'password',
  'token',
  'installerToken',
  'uidHashKey',
  'authorization',
  'secret',
  'privateKey',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream;
}

export function createRootLogger(options: LoggerOptions = {}): Logger {
  const opts = {
    level: options.level ?? 'info',
    base: undefined,
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return (options.destination ? pino(opts, options.destination) : pino(opts)) as unknown as Logger;
}

export function moduleLogger(root: Logger, module: string): Logger {
  return root.child({ module });
}
