/**
 * A minimal method + path router with `{param}` segments (decoded; a malformed escape matches nothing);
 * enough for the panel's and the hub's few dozen routes, no dependency. HEAD is answered by GET routes.
 */
import type { IncomingMessage } from 'node:http';
import type { StreamBody } from './stream-reply.ts';

export interface RequestInfo {
  req: IncomingMessage;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

export interface Reply {
  status: number;
  /**
   * JSON unless `headers` gives a content type; then a Buffer or string sent as is. `undefined` sends
   * no body (204, a redirect).
   */
  body: unknown;
  headers?: Record<string, string>;
  /** A long-lived reply (server-sent events): `body` is ignored, the headers go out at once. */
  stream?: StreamBody;
}

export type Handler = (info: RequestInfo) => Reply | Promise<Reply>;

/**
 * What one route accepts beyond the server's defaults. Set on the route itself, so a larger bound (a CSV
 * import) never loosens the limit of any other route.
 */
export interface RouteOptions {
  /** Body bound for this route instead of the server's. */
  maxBodyBytes?: number;
  /** Content types (besides JSON) passed to the handler as the raw body, a Buffer. */
  rawBodyTypes?: readonly string[];
}

interface Route {
  method: string;
  /** The path as added, `{param}` segments and all: what metrics label a request with (never its ids). */
  template: string;
  segments: string[];
  handler: Handler;
  options: RouteOptions;
}

export class Router {
  readonly #routes: Route[] = [];

  add(method: string, path: string, handler: Handler, options: RouteOptions = {}): this {
    this.#routes.push({
      method,
      template: path,
      segments: path.split('/').filter(Boolean),
      handler,
      options,
    });
    return this;
  }

  /** `undefined` when no route matches the path; `'method'` when the path exists with another method. */
  match(
    method: string,
    pathname: string,
  ):
    | { handler: Handler; params: Record<string, string>; options: RouteOptions; template: string }
    | 'method'
    | undefined {
    const parts = pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
        return { handler: route.handler, params, options: route.options, template: route.template };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const part = parts[i]!;
    if (p.startsWith('{') && p.endsWith('}')) {
      try {
        params[p.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        return undefined;
      }
    } else if (p !== part) {
      return undefined;
    }
  }
  return params;
}
