/**
 * Who may talk to a portvakt HTTP server from a browser. Two attacks are refused here, once for the panel
 * and the hub alike:
 *
 * - DNS rebinding: a page on attacker.example re-points its name at 127.0.0.1 (or the panel's LAN
 *   address) and then reads and posts "same-origin". The browser still sends `Host: attacker.example`, so
 *   every request must name this server: an IP literal (a browser only sends one when the user typed the
 *   address — no name an attacker controls), `localhost`, the name the server is bound to, or the host of
 *   a configured origin.
 * - Cross-site requests (CSRF): a page elsewhere posts a form or a no-cors fetch to ring a bell, hang up
 *   or open a door. Browsers mark such requests with `Origin` (and `Sec-Fetch-Site`); a state-changing
 *   request is refused unless it comes from this server's own origin or a configured one. Requests
 *   without either header come from scripts and curl, which the bearer tokens guard, not this check.
 */

import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { ForbiddenError } from '../errors.ts';

export interface OriginPolicy {
  /** The listen address or name; a name is accepted in Host (an address is an IP literal anyway). */
  boundHost: string;
  /**
   * Origins (`https://hub.example.com`) browsers reach this server under besides its addresses; their
   * host names are accepted in Host, and they may send state-changing requests.
   */
  allowedOrigins: readonly string[];
  /** Names the setting that lists allowed origins, in refusals ("api.allowedOrigins"). */
  setting: string;
  /**
   * Paths only other servers call, each guarded by its own secret (the broker's auth backend): a broker
   * reaches the hub under whatever name its operator configured, and no browser holds that secret.
   */
  serverToServer?: (pathname: string) => boolean;
}

/** Methods that change nothing; only their Host is checked. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Refuses (ForbiddenError, HTTP 403) a request under a foreign Host, or a cross-site state change. */
export function checkRequestOrigin(
  req: Pick<IncomingMessage, 'headers' | 'method'>,
  target: URL,
  absolute: boolean,
  policy: OriginPolicy,
): void {
  if (policy.serverToServer?.(target.pathname)) return;
  const hosts = allowedHostNames(policy);
  // HTTP/1.0 may omit Host (Node refuses an HTTP/1.1 request without one); browsers always send it.
  const host = req.headers.host;
  if (host !== undefined) requireKnownHost(hostNameOf(host), hosts, policy, 'Host');
  // An absolute-form target names the host too, and takes precedence over the Host header (RFC 9112 §3.2.2).
  if (absolute) requireKnownHost(stripBrackets(target.hostname), hosts, policy, 'request target host');
  if (SAFE_METHODS.has(req.method ?? 'GET')) return;
  const origin = req.headers.origin;
  if (origin !== undefined) {
    if (origin === 'null' || (!sameOrigin(origin, host) && !policy.allowedOrigins.includes(origin)))
      throw new ForbiddenError(
        `cross-site request from origin ${JSON.stringify(origin.slice(0, 200))} refused; ` +
          `add it to ${policy.setting} if it is yours`,
      );
    return;
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site')
    throw new ForbiddenError(`${site} request without an Origin refused`);
}

function allowedHostNames(policy: OriginPolicy): Set<string> {
  const names = new Set(['localhost']);
  names.add(stripBrackets(policy.boundHost.toLowerCase()));
  for (const origin of policy.allowedOrigins) {
    const parsed = URL.parse(origin);
    if (parsed) names.add(stripBrackets(parsed.hostname));
  }
  return names;
}

function requireKnownHost(name: string | undefined, names: Set<string>, policy: OriginPolicy, what: string) {
  if (name !== undefined && (isIP(name) !== 0 || names.has(name))) return;
  throw new ForbiddenError(
    `${what} ${JSON.stringify((name ?? '').slice(0, 200))} is not a name of this server; ` +
      `use its address or add the origin to ${policy.setting}`,
  );
}

/** The lower-case host name of a Host header (`[::1]:80` → `::1`); undefined when it does not parse. */
function hostNameOf(host: string): string | undefined {
  const parsed = URL.parse(`http://${host}/`);
  if (!parsed || parsed.username || parsed.password || parsed.pathname !== '/') return undefined;
  return stripBrackets(parsed.hostname);
}

/** The page's origin is this server as the request addressed it (scheme aside: TLS may end at a proxy). */
function sameOrigin(origin: string, host: string | undefined): boolean {
  const page = URL.parse(origin);
  if (!page || host === undefined) return false;
  // Normalised with the page's scheme, so `http://x` and `Host: x:80` are the same origin.
  return URL.parse(`${page.protocol}//${host}/`)?.host === page.host;
}

function stripBrackets(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}
