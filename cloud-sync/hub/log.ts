/**
 * The hub's root logger: pino, with secrets and card UIDs censored by key wherever they appear (same
 * policy as the panel's logger, which the hub may not import).
 */
import { pino } from 'pino';
import type { Logger } from '../../hal/logger.ts';

const REDACTED = [
  'uid',
  'password',
  'brokerPassword',
  'token',
  'adminToken',
  'authorization',
  'secret',
  'privateKey',
];
const paths = REDACTED.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createHubLogger(level = 'info'): Logger {
  return pino({ level, base: undefined, redact: { paths, censor: '[redacted]' } }) as unknown as Logger;
}
