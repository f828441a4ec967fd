/**
 * `GET /metrics` in Prometheus' text format, for the panel's metrics listener and the hub alike.
 *
 * Who may scrape: with a token, only a request bearing it (constant-time check, 401 otherwise); without
 * one, whoever reaches the listener (the panel binds it to loopback by default). A scrape is cheap by
 * construction — counters are bumped on events and gauges read in-memory state — and on top of that one
 * rendered text is reused for `cacheMs`, so a scraper looping as fast as it can costs one render a
 * second, not one per request.
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../clock/clock.ts';
import { requireBearer } from '../http/bearer.ts';
import type { Router } from '../http/router.ts';

export const METRICS_PATH = '/metrics';

export interface ScrapeRouteOptions {
  registry: Registry;
  clock: Clock;
  /** Bearer token a scrape must carry; undefined: none needed. */
  token?: string | undefined;
  /** How long one rendered text is served again (default 1000 ms). */
  cacheMs?: number;
}

export function addScrapeRoute(router: Router, options: ScrapeRouteOptions): void {
  const { registry, clock, token } = options;
  const cacheMs = options.cacheMs ?? 1000;
  let cached: { text: string; at: number } | undefined;
  // One render at a time: concurrent scrapes share it instead of each walking the registry.
  let rendering: Promise<string> | undefined;
  const render = async (): Promise<string> => {
    const now = clock.monotonic();
    if (cached && now - cached.at < cacheMs) return cached.text;
    rendering ??= registry.metrics().finally(() => {
      rendering = undefined;
    });
    const text = await rendering;
    cached = { text, at: now };
    return text;
  };
  router.add('GET', METRICS_PATH, async ({ req }) => {
    if (token !== undefined) requireBearer(req, token, 'metrics token');
    return { status: 200, body: await render(), headers: { 'content-type': registry.contentType } };
  });
}
