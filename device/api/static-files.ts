/**
 * Serves the panel page (panel-ui, built into a flat folder) from memory, read once at start: a request
 * can only ever name one of its files.
 */

import { PANEL_PAIRING_PAGE } from '../../cloud-sync/protocol/pairing.ts';
import type { Reply, Router } from '../../lib/http/router.ts';
import { loadStaticFiles, securityHeaders } from '../../lib/http/static-files.ts';
import type { Logger } from '../../lib/log/logger.ts';

/** The kiosk page talks only to this API; pictures arrive as data URIs. */
const PANEL_PAGE_HEADERS = securityHeaders(
  "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'",
);

/**
 * Mounts every file of `dir` under `/panel/`, and the page itself at `/` and `/panel/`. While `unpaired`
 * says so, the page's addresses lead to the pairing page (PANEL_PAIRING_PAGE) instead.
 */
export function addStaticRoutes(
  router: Router,
  dir: string | undefined,
  logger: Logger,
  unpaired: () => boolean = () => false,
): number {
  if (!dir) return 0;
  let files: Map<string, Reply>;
  try {
    files = loadStaticFiles(dir, PANEL_PAGE_HEADERS);
  } catch (err) {
    logger.warn({ dir, err: String(err) }, 'panel page not found; run `npm run build` to build it');
    return 0;
  }
  const toPairing: Reply = { status: 302, body: undefined, headers: { location: PANEL_PAIRING_PAGE } };
  for (const [name, reply] of files) {
    if (name !== 'index.html') {
      router.add('GET', `/panel/${name}`, () => reply);
      continue;
    }
    const page = () => (unpaired() ? toPairing : reply);
    router.add('GET', `/panel/${name}`, page).add('GET', '/panel', page).add('GET', '/', page);
  }
  return files.size;
}
