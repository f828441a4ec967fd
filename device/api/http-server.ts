/**
 * The panel's local HTTP API. Every failure becomes a JSON error with a 4xx/5xx status; nothing a client
 * sends can throw out of a request handler. Bodies are capped so a client cannot exhaust memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, NotFoundError, PortvaktError, ValidationError } from '../../hal/errors.ts';
import type { Logger } from '../../hal/logger.ts';
import type { ApiContext } from './context.ts';
import { openApiDocument } from './openapi.ts';
import { Router } from './router.ts';
import { addIntercomRoutes } from './routes/intercom-routes.ts';
import { addPanelRoutes } from './routes/panel-routes.ts';
import { addSimRoutes } from './routes/sim-routes.ts';
import { addStaticRoutes } from './static-files.ts';

const MAX_BODY_BYTES = 16 * 1024;

export interface ApiServerOptions {
  host: string;
  port: number;
  context: ApiContext;
  logger: Logger;
  /** The built panel page (panel-ui); absent = API only. */
  panelUiDir?: string | undefined;
}

export class ApiServer {
  readonly #options: ApiServerOptions;
  #server: Server | undefined;

  constructor(options: ApiServerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { context, host, port, logger } = this.#options;
    const router = new Router();
    addPanelRoutes(router, context);
    if (context.sim) addSimRoutes(router, context.sim);
    if (context.intercom) addIntercomRoutes(router, context.intercom, Boolean(context.sim));
    addStaticRoutes(router, this.#options.panelUiDir, logger);
    const doc = openApiDocument({ sim: Boolean(context.sim), intercom: Boolean(context.intercom) });
    router.add('GET', '/api/v1/openapi.json', () => ({ status: 200, body: doc }));

    const server = createServer((req, res) => {
      handle(router, req, res, logger).catch((err) => {
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
    if (!a) throw new Error('API server is not listening');
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

async function handle(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://panel');
  const match = router.match(req.method ?? 'GET', url.pathname);
  if (match === undefined) return send(res, 404, errorBody('not_found', `no route ${url.pathname}`));
  if (match === 'method')
    return send(res, 405, errorBody('method_not_allowed', `${req.method} not allowed here`));
  try {
    const body = await readJsonBody(req);
    const reply = await match.handler({ req, params: match.params, query: url.searchParams, body });
    if (reply.headers?.['content-type']) sendRaw(res, reply.status, reply.headers, reply.body);
    else send(res, reply.status, reply.body);
  } catch (err) {
    const [status, body] = toErrorReply(err);
    if (status >= 500) logger.error({ err, path: url.pathname }, 'API handler failed');
    else logger.debug({ status, path: url.pathname, code: body.error.code }, 'API request rejected');
    send(res, status, body);
  }
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'body_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  }
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
  if (err instanceof PortvaktError) return [409, errorBody(err.code, err.message)];
  return [500, errorBody('internal', 'internal error')];
}

function errorBody(code: string, message: string, issues?: readonly string[]): ErrorBody {
  return { error: issues?.length ? { code, message, issues } : { code, message } };
}

function sendRaw(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { 'cache-control': 'no-cache', ...headers });
  res.end(Buffer.isBuffer(body) || typeof body === 'string' ? body : String(body));
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}
