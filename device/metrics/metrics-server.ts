/**
 * The panel's metrics listener: `GET /metrics` and nothing else, on its own address (metrics.host,
 * loopback by default), so a scraper never shares a port with the touchscreen's API and its tokens. The
 * shared JSON server bounds bodies and slow clients, answers 405 to other methods and 404 to other
 * paths, and checks Host (a DNS-rebound name is refused even on loopback).
 */
import type { Registry } from 'prom-client';
import type { Clock } from '../../lib/clock/clock.ts';
import { JsonServer } from '../../lib/http/json-server.ts';
import { Router } from '../../lib/http/router.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { addScrapeRoute } from '../../lib/metrics/scrape-route.ts';

/** A scrape request has no body; anything sent is refused early. */
const MAX_BODY_BYTES = 1024;

export class MetricsServer extends JsonServer {
  constructor(options: {
    host: string;
    port: number;
    token?: string | undefined;
    registry: Registry;
    clock: Clock;
    logger: Logger;
  }) {
    const router = new Router();
    addScrapeRoute(router, { registry: options.registry, clock: options.clock, token: options.token });
    super({
      name: 'panel metrics',
      host: options.host,
      port: options.port,
      router,
      logger: options.logger,
      maxBodyBytes: MAX_BODY_BYTES,
      originPolicy: { boundHost: options.host, allowedOrigins: [], setting: 'metrics.host' },
    });
  }
}
