import type { IncomingMessage } from 'node:http';
import { AuthError } from '../../../lib/errors.ts';
import { bearerToken, requireBearer, secretsEqual } from '../../../lib/http/bearer.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import type { ApiContext } from '../context.ts';
import { eventsQuery, idParam, unlockBody } from '../schemas.ts';

export function addPanelRoutes(router: Router, ctx: ApiContext): void {
  router
    .add('GET', '/healthz', () => {
      const health = ctx.health();
      // A storage fault is a 503 for monitors (doors still work; audit events are held in memory). A
      // missing reader stays a 200 with status "degraded", as before.
      return { status: health.storage.state === 'ok' ? 200 : 503, body: health };
    })
    .add('GET', '/api/v1/doors', () => ({ status: 200, body: { doors: ctx.doors() } }))
    .add('GET', '/api/v1/events', ({ req, query }) => {
      requireReader(req, ctx);
      const q = parseInput(eventsQuery, Object.fromEntries(query), 'query');
      const events = ctx.events(q.after, q.limit);
      return { status: 200, body: { events, lastSeq: events.at(-1)?.seq ?? q.after } };
    })
    .add('POST', '/api/v1/doors/{id}/unlock', ({ req, params, body }) => {
      requireInstaller(req, ctx.installerToken);
      const doorId = parseInput(idParam, params['id'], 'door id');
      const input = parseInput(unlockBody, body ?? {}, 'body');
      const result = ctx.unlockDoor(doorId, 'installer', input.pulseMs);
      return { status: 202, body: { doorId, ...result } };
    });
}

/**
 * The audit log names who came and went, and when: it needs the read token or the installer token (a
 * page elsewhere, or a DNS-rebound one, must not read it from a browser on the panel's network).
 */
function requireReader(req: IncomingMessage, ctx: ApiContext): void {
  const tokens = [ctx.readToken, ctx.installerToken].filter((t): t is string => Boolean(t));
  if (tokens.length === 0)
    throw new AuthError('reading events is disabled: configure api.readToken (or api.installerToken)');
  const given = bearerToken(req);
  // Both compared (constant time each), so which token matched is not told by timing.
  const matches = tokens.map((t) => secretsEqual(given, t));
  if (!matches.includes(true))
    throw new AuthError('missing or wrong read token (Authorization: Bearer <api.readToken>)');
}

function requireInstaller(req: IncomingMessage, token: string | undefined): void {
  if (!token) throw new AuthError('installer actions are disabled: api.installerToken is not configured');
  requireBearer(req, token, 'installer token');
}
