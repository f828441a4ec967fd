/**
 * The hub admin API over node:http. Every failure becomes `{error:{code,message,issues?}}` with a 4xx/5xx
 * status; nothing a client sends can throw out of a request handler. Everything under /api/v1 except the
 * OpenAPI document needs the admin bearer token, apart from the resident app's routes (resident session
 * token) and the broker's auth backend (broker secret), whose handlers authenticate themselves. The
 * resident web app's static files are public at /app/. Bodies are capped.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, NotFoundError, PortvaktError, ValidationError } from '../../../hal/errors.ts';
import type { Logger } from '../../../hal/logger.ts';
import { RateLimitedError } from '../residents/login-limiter.ts';
import { addAdminRoutes } from './admin-routes.ts';
import { addBrokerRoutes, BROKER_PREFIX } from './broker-routes.ts';
import type { HubApiContext } from './context.ts';
import { addHubRoutes } from './hub-routes.ts';
import { openApiDocument } from './openapi.ts';
import { addResidentRoutes, RESIDENT_PREFIX } from './resident-routes.ts';
import { Router } from './router.ts';
import { isAppPath, serveApp } from './static-files.ts';

const MAX_BODY_BYTES = 256 * 1024;
const PUBLIC_PATHS = new Set(['/healthz', '/api/v1/openapi.json']);

export class HubApiServer {
  readonly #options: { host: string; port: number; context: HubApiContext; logger: Logger };
  #server: Server | undefined;

  constructor(options: { host: string; port: number; context: HubApiContext; logger: Logger }) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { context, host, port } = this.#options;
    const logger = this.#options.logger.child({ component: 'api' });
    const router = new Router();
    const doc = openApiDocument();
    router.add('GET', '/api/v1/openapi.json', () => ({ status: 200, body: doc }));
    addHubRoutes(router, context);
    addResidentRoutes(router, context);
    addBrokerRoutes(router, context);
    addAdminRoutes(router, context);
    const server = createServer((req, res) => {
      handle(router, context, req, res, logger).catch((err) => {
        logger.error({ err }, 'unexpected API failure');
        if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: 'internal error' } });
      });
    });
    server.headersTimeout = 10_000;
    server.requestTimeout = 15_000;
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => logger.error({ err }, 'API server error'));
  }

  address(): { host: string; port: number } {
    const a = this.#server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error('hub API is not listening');
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Paths whose handlers check their own credentials (or need none). */
function needsAdminToken(pathname: string): boolean {
  return (
    !PUBLIC_PATHS.has(pathname) &&
    !pathname.startsWith(RESIDENT_PREFIX) &&
    !pathname.startsWith(BROKER_PREFIX)
  );
}

async function handle(
  router: Router,
  context: HubApiContext,
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  if (isAppPath(url.pathname)) return serveApp(req, res, context.webDir, url.pathname);
  try {
    if (needsAdminToken(url.pathname)) requireAdmin(req, context.adminToken);
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match === undefined) return send(res, 404, errorBody('not_found', `no route ${url.pathname}`));
    if (match === 'method')
      return send(res, 405, errorBody('method_not_allowed', `${req.method} not allowed here`));
    const body = await readJsonBody(req);
    const reply = await match.handler({ req, params: match.params, query: url.searchParams, body });
    send(res, reply.status, reply.body);
  } catch (err) {
    const [status, body] = toErrorReply(err);
    if (status >= 500) logger.error({ err, path: url.pathname }, 'API handler failed');
    else logger.debug({ status, path: url.pathname, code: body.error.code }, 'API request rejected');
    const retry: Record<string, string> =
      err instanceof RateLimitedError ? { 'retry-after': String(err.retryAfterS) } : {};
    send(res, status, body, retry);
  }
}

function requireAdmin(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization ?? '';
  const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
    throw new AuthError('missing or wrong admin token (Authorization: Bearer <token>)');
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'body_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  if (!(req.headers['content-type'] ?? '').startsWith('application/json'))
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new ValidationError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

class HttpError extends PortvaktError {
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

type ErrorBody = { error: { code: string; message: string; issues?: readonly string[] } };

function toErrorReply(err: unknown): [number, ErrorBody] {
  if (err instanceof HttpError) return [err.status, errorBody(err.code, err.message)];
  if (err instanceof ValidationError) return [400, errorBody(err.code, err.message, err.issues)];
  if (err instanceof AuthError) return [401, errorBody(err.code, err.message)];
  if (err instanceof NotFoundError) return [404, errorBody(err.code, err.message)];
  if (err instanceof RateLimitedError) return [429, errorBody(err.code, err.message)];
  if (err instanceof PortvaktError)
    return [err.code === 'forbidden' ? 403 : 409, errorBody(err.code, err.message)];
  return [500, errorBody('internal', 'internal error')];
}

function errorBody(code: string, message: string, issues?: readonly string[]): ErrorBody {
  return { error: issues?.length ? { code, message, issues } : { code, message } };
}

function send(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const headers = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  };
  if (status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return;
  }
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}
