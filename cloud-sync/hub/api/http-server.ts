/**
 * The hub's HTTP API on the shared JSON server. Everything under /api/v1 except the OpenAPI document and
 * the administrator login needs an admin credential — the operator token or an administrator's session
 * (request-auth.ts), whose principal the routes authorize by building — apart from the resident app's routes (resident session token), the broker's
 * auth backend (broker secret) and the panel's side of pairing (rate limits, poll token), whose handlers
 * authenticate themselves. The resident web app's static
 * files are public at /app/, WebAdmin's at /admin/. Every request must name the hub in Host, and a state-changing one from a
 * browser must come from the hub's own origin or an allowed one (lib/http/request-origin.ts).
 */
import { JsonServer } from '../../../lib/http/json-server.ts';
import { Router } from '../../../lib/http/router.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { addScrapeRoute, METRICS_PATH } from '../../../lib/metrics/scrape-route.ts';
import { ADMIN_LOGIN_PATHS, addAdminAccountRoutes } from './admin-account-routes.ts';
import { addAdminRoutes } from './admin-routes.ts';
import { addBrokerRoutes, BROKER_PREFIX } from './broker-routes.ts';
import type { HubApiContext } from './context.ts';
import { addEventRoutes, EVENT_STREAM_PATH } from './event-routes.ts';
import type { EventStreams } from './event-streams.ts';
import { addHubRoutes } from './hub-routes.ts';
import { addImportRoutes } from './import-routes.ts';
import { addModerationRoutes } from './moderation-routes.ts';
import { openApiDocument } from './openapi.ts';
import { addPairingRoutes, isPanelPairingPath } from './pairing-routes.ts';
import { RequestAuth } from './request-auth.ts';
import { addResidentInviteRoutes } from './resident-invite-routes.ts';
import { addResidentRoutes, RESIDENT_PREFIX } from './resident-routes.ts';
import { addSipRoutes } from './sip-routes.ts';
import { addAdminAppRoutes, addAppRoutes, isAdminAppPath, isAppPath } from './static-files.ts';
import { addUnitOwnerRoutes } from './unit-owner-routes.ts';

const MAX_BODY_BYTES = 256 * 1024;
const PUBLIC_PATHS = new Set(['/healthz', '/api/v1/openapi.json']);

/** Paths whose handlers check their own credentials (or need none). */
function needsAdminToken(pathname: string, metrics: boolean): boolean {
  return (
    !PUBLIC_PATHS.has(pathname) &&
    // The scrape checks the metrics token itself: Prometheus never holds the admin token.
    !(metrics && pathname === METRICS_PATH) &&
    pathname !== EVENT_STREAM_PATH &&
    !ADMIN_LOGIN_PATHS.has(pathname) &&
    !isAppPath(pathname) &&
    !isAdminAppPath(pathname) &&
    !pathname.startsWith(RESIDENT_PREFIX) &&
    !pathname.startsWith(BROKER_PREFIX) &&
    !isPanelPairingPath(pathname)
  );
}

export class HubApiServer extends JsonServer {
  /** The live event streams (WebAdmin), for tests and status. */
  readonly eventStreams: EventStreams;

  constructor(options: {
    host: string;
    port: number;
    /** settings http.allowedOrigins: names and origins browsers use besides IP addresses and localhost. */
    allowedOrigins?: readonly string[] | undefined;
    context: HubApiContext;
    logger: Logger;
  }) {
    const { context, host, port } = options;
    const router = new Router();
    const doc = openApiDocument();
    const auth = new RequestAuth(context.adminToken, context.logins);
    router.add('GET', '/api/v1/openapi.json', () => ({ status: 200, body: doc }));
    addAdminAccountRoutes(router, context, auth);
    addHubRoutes(router, context, auth);
    addSipRoutes(router, context, auth);
    const eventStreams = addEventRoutes(router, context, auth);
    addResidentRoutes(router, context, auth);
    addResidentInviteRoutes(router, context, auth, options.logger);
    addModerationRoutes(router, context, auth);
    addUnitOwnerRoutes(router, context, auth);
    addBrokerRoutes(router, context);
    addPairingRoutes(router, context, auth);
    addAdminRoutes(router, context, auth);
    addImportRoutes(router, context, auth);
    addAppRoutes(router, context.webDir);
    addAdminAppRoutes(router, context.adminWebDir);
    const metrics = context.metrics;
    if (metrics)
      addScrapeRoute(router, { registry: metrics.registry, token: metrics.token, clock: context.clock });
    super({
      name: 'hub API',
      host,
      port,
      router,
      logger: options.logger.child({ component: 'api' }),
      maxBodyBytes: MAX_BODY_BYTES,
      // The resident web app is served from here, so its logins and opens are same-origin; a page
      // elsewhere (or a DNS-rebound name) gets a 403 before any credential is looked at.
      originPolicy: {
        boundHost: host,
        allowedOrigins: options.allowedOrigins ?? [],
        setting: 'http.allowedOrigins (--allowed-origins)',
        // Panels reach the hub under whatever name its operator gave them (pairing.hubUrl), like the broker.
        serverToServer: (pathname) => pathname.startsWith(BROKER_PREFIX) || isPanelPairingPath(pathname),
      },
      authorize: (req, pathname) => {
        if (needsAdminToken(pathname, metrics !== undefined)) auth.authenticate(req);
      },
      observe: metrics?.observe,
    });
    this.eventStreams = eventStreams;
  }
}
