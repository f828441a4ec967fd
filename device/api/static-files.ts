/**
 * Serves the panel page (panel-ui, built into a flat folder) from memory, read once at start: a request
 * can only ever name one of its files.
 */

import type { Reply, Router } from '../../lib/http/router.ts';
import { loadStaticFiles, securityHeaders } from '../../lib/http/static-files.ts';
import type { Logger } from '../../lib/log/logger.ts';

/** The kiosk page talks only to this API; pictures arrive as data URIs. */
const PANEL_PAGE_HEADERS = securityHeaders(
  "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'",
);

/** Mounts every file of `dir` under `/panel/`, and the page itself at `/` and `/panel/`. */
export function addStaticRoutes(router: Router, dir: string | undefined, logger: Logger): number {
  if (!dir) return 0;
  let files: Map<string, Reply>;
  try {
    files = loadStaticFiles(dir, PANEL_PAGE_HEADERS);
  } catch (err) {
    logger.warn({ dir, err: String(err) }, 'panel page not found; run `npm run build` to build it');
    return 0;
  }
  for (const [name, reply] of files) {
    router.add('GET', `/panel/${name}`, () => reply);
    if (name === 'index.html') router.add('GET', '/panel', () => reply).add('GET', '/', () => reply);
  }
  return files.size;
}
