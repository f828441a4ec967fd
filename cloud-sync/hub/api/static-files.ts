/**
 * The hub's browser apps, each built into one flat folder by scripts/build-web.ts: the resident web app
 * at `/app/` and WebAdmin at `/admin/`, both without any token: the apps hold no secrets, and their API
 * calls carry the user's session token. The folders are read per request, so a rebuilt app is served
 * without restarting the hub.
 */
import { NotFoundError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import { readStaticFile, securityHeaders } from '../../../lib/http/static-files.ts';

export const APP_PREFIX = '/app/';
export const ADMIN_APP_PREFIX = '/admin/';

/**
 * The app talks to this hub and to the broker's WebSocket (another port or host); video is WebRTC.
 * mqtt.js runs its keepalive timers in a blob: worker, so a phone's background tab keeps its connection.
 */
const APP_HEADERS = securityHeaders(
  "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; " +
    "worker-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; " +
    "form-action 'self'",
);

/**
 * WebAdmin talks to this hub only: no WebSocket, no media, no workers. Residents' pictures are data: URLs.
 * Nothing inline (script or style), and no page may frame it (clickjacking an "open door" button).
 */
export const ADMIN_APP_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
const ADMIN_HEADERS = securityHeaders(ADMIN_APP_CSP);

export function isAppPath(pathname: string): boolean {
  return pathname === '/app' || pathname.startsWith(APP_PREFIX);
}

export function isAdminAppPath(pathname: string): boolean {
  return pathname === '/admin' || pathname.startsWith(ADMIN_APP_PREFIX);
}

export function addAppRoutes(router: Router, dir: string | undefined): void {
  addStaticApp(router, { prefix: APP_PREFIX, dir, headers: APP_HEADERS, what: 'the resident app' });
}

export function addAdminAppRoutes(router: Router, dir: string | undefined): void {
  addStaticApp(router, { prefix: ADMIN_APP_PREFIX, dir, headers: ADMIN_HEADERS, what: 'WebAdmin' });
}

function addStaticApp(
  router: Router,
  app: { prefix: string; dir: string | undefined; headers: Record<string, string>; what: string },
): void {
  const bare = app.prefix.slice(0, -1);
  const serve = async (name: string) => {
    const reply = await readStaticFile(app.dir, name, app.headers);
    if (!reply)
      throw new NotFoundError(`${app.what} is not built: run \`npm run build\` (scripts/build-web.ts)`);
    return reply;
  };
  router
    // `/app` and `/app/` route alike; only the first lacks the slash the app's relative URLs need.
    .add('GET', bare, ({ req }) =>
      new URL(req.url ?? '/', 'http://hub').pathname === bare
        ? { status: 301, body: undefined, headers: { location: app.prefix } }
        : serve('index.html'),
    )
    .add('GET', `${app.prefix}{file}`, ({ params }) => serve(params['file'] ?? ''));
}
