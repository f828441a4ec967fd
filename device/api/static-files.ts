/**
 * Serves the panel page (panel-ui, built into a flat folder) from memory. The files are listed once at
 * start, so a request can only ever name one of them: there is no path to traverse.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Logger } from '../../hal/logger.ts';
import type { Router } from './router.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** The kiosk page talks only to this API; pictures arrive as data URIs. */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** Mounts every file of `dir` under `/panel/`, and the page itself at `/` and `/panel/`. */
export function addStaticRoutes(router: Router, dir: string | undefined, logger: Logger): number {
  if (!dir) return 0;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => TYPES[extname(name)] && statSync(join(dir, name)).isFile());
  } catch (err) {
    logger.warn({ dir, err: String(err) }, 'panel page not found; run `npm run build` to build it');
    return 0;
  }
  for (const name of names) {
    const body = readFileSync(join(dir, name));
    const headers = { 'content-type': TYPES[extname(name)]!, ...SECURITY_HEADERS };
    const reply = () => ({ status: 200, body, headers });
    router.add('GET', `/panel/${name}`, reply);
    if (name === 'index.html') router.add('GET', '/panel', reply).add('GET', '/', reply);
  }
  return names.length;
}
