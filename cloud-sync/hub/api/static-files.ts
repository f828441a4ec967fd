/**
 * Serves the resident web app (built into one flat folder by scripts/build-web.ts) at `/app/`, without
 * any token: the app holds no secrets, and its API calls carry the resident's session token. A request
 * names a file only by looking it up in the folder's listing, so there is no path to traverse; the
 * listing is read per request, so a rebuilt app is served without restarting the hub.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';

export const APP_PREFIX = '/app/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The app talks to this hub and to the broker's WebSocket (another port or host); video is WebRTC.
 * mqtt.js runs its keepalive timers in a blob: worker, so a phone's background tab keeps its connection.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; " +
    "worker-src 'self' blob:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; " +
    "form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function isAppPath(pathname: string): boolean {
  return pathname === '/app' || pathname.startsWith(APP_PREFIX);
}

export async function serveApp(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string | undefined,
  pathname: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'method not allowed');
  if (pathname === '/app') {
    res.writeHead(301, { location: APP_PREFIX });
    res.end();
    return;
  }
  const name = pathname.slice(APP_PREFIX.length) || 'index.html';
  const type = TYPES[extname(name)];
  let names: string[] = [];
  try {
    if (dir) names = await readdir(dir);
  } catch {}
  if (names.length === 0)
    return text(res, 404, 'the resident app is not built: run `npm run build` (scripts/build-web.ts)');
  if (!type || !names.includes(name)) return text(res, 404, 'not found');
  let body: Buffer;
  try {
    body = await readFile(join(dir!, name));
  } catch {
    return text(res, 404, 'not found');
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    // No content hashes in the file names: always revalidate, so a new build is picked up at once.
    'cache-control': 'no-cache',
    ...SECURITY_HEADERS,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function text(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`${message}\n`);
}
