/**
 * The resident web app (built into one flat folder by scripts/build-web.ts) at `/app/`, without any
 * token: the app holds no secrets, and its API calls carry the resident's session token. The folder is
 * read per request, so a rebuilt app is served without restarting the hub.
 */
import { NotFoundError } from '../../../lib/errors.ts';
import type { Router } from '../../../lib/http/router.ts';
import { readStaticFile, securityHeaders } from '../../../lib/http/static-files.ts';

export const APP_PREFIX = '/app/';

/**
 * The app talks to this hub and to the broker's WebSocket (another port or host); video is WebRTC.
 * mqtt.js runs its keepalive timers in a blob: worker, so a phone's background tab keeps its connection.
 */
const APP_HEADERS = securityHeaders(
  "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; " +
    "worker-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; " +
    "form-action 'self'",
);

export function isAppPath(pathname: string): boolean {
  return pathname === '/app' || pathname.startsWith(APP_PREFIX);
}

export function addAppRoutes(router: Router, dir: string | undefined): void {
  const serve = async (name: string) => {
    const reply = await readStaticFile(dir, name, APP_HEADERS);
    if (!reply)
      throw new NotFoundError('the resident app is not built: run `npm run build` (scripts/build-web.ts)');
    return reply;
  };
  router
    // `/app` and `/app/` route alike; only the first lacks the slash the app's relative URLs need.
    .add('GET', '/app', ({ req }) =>
      new URL(req.url ?? '/', 'http://hub').pathname === '/app'
        ? { status: 301, body: undefined, headers: { location: APP_PREFIX } }
        : serve('index.html'),
    )
    .add('GET', '/app/{file}', ({ params }) => serve(params['file'] ?? ''));
}
