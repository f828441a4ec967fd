/**
 * Logging for every process of portvakt (panel, media process, hub). Code logs through the small `Logger`
 * interface, so the HAL and tests do not depend on pino; processes create their root logger here, with
 * one redaction policy: secrets (tokens, passwords, keys) and card UIDs never reach a log line. pino
 * censors them by key wherever they appear in the logged object, so a careless `log.info({ cfg })` cannot
 * leak them. Code that needs to correlate taps logs `uidHash` instead.
 */
import { pino } from 'pino';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = (): void => {};
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

/**
 * Keys censored wherever they appear (up to two levels deep), for the panel and the hub alike. Every
 * setting the config schemas mark secret (secret-settings.ts) is named here too (a test checks it).
 */
export const REDACTED_KEYS = [
  'uid',
  'cardUid',
  'password',
  'brokerPassword',
  'token',
  'installerToken',
  'installerPin',
  'installerPinHash',
  'pin',
  'readToken',
  'adminToken',
  'brokerAuthSecret',
  'credential',
  'uidHashKey',
  'scbk',
  'authorization',
  'secret',
  'privateKey',
  // A resident's panel PIN, and its hash (a short PIN's hash is worth the PIN to whoever reads it).
  'pin',
  'panelPinHash',
] as const;

const redactPaths = REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

/** pino's levels, for settings that choose one; `silent` logs nothing. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  destination?: NodeJS.WritableStream | { write(chunk: string): unknown };
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
