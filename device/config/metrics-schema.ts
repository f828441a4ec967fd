/** The `metrics` section of the panel config (device/config/schema.ts holds the rest). */
import { isIP } from 'node:net';
import { z } from 'zod';
import { secretText } from './config-fields.ts';

/**
 * Prometheus' `/metrics` on a listener of its own (device/metrics/), not on the local API: the API serves
 * the touchscreen and carries the installer's tokens, and a scraper needs neither. Absent: no listener
 * and prom-client is never loaded. The figures name no card, UID, resident or token, only counts by
 * outcome, reason and configured door id; still, a panel reachable beyond its own host wants a token.
 */
export const metricsConfigSchema = z
  .object({
    host: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('listen address of /metrics; loopback unless a token is set'),
    port: z.number().int().min(0).max(65535).default(9464).describe('listen port of /metrics'),
    token: secretText()
      .optional()
      .describe('bearer token a scrape must carry (required when host is not a loopback address)'),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.token === undefined && !isLoopback(m.host))
      ctx.addIssue({
        code: 'custom',
        path: ['token'],
        message: `is required when metrics.host (${m.host}) is not a loopback address`,
      });
  });

export type MetricsConfig = z.output<typeof metricsConfigSchema>;

function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
