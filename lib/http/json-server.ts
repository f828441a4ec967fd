/**
 * The HTTP server of the panel's local API and of the hub: routes from a Router, JSON in and out, every
 * failure a JSON error `{error:{code,message,issues?}}` with a 4xx/5xx status mapped from the domain error
 * classes; nothing a client sends can throw out of a request handler. Bodies are capped so a client
 * cannot exhaust memory, and slow clients are cut off by header and request timeouts.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthError,
  ForbiddenError,
  NotFoundError,
  PortvaktError,
  RateLimitedError,
  ValidationError,
} from '../errors.ts';
import type { Logger } from '../log/logger.ts';
import type { ErrorBody } from './error-body.ts';
import type { Router } from './router.ts';

export interface JsonServerOptions {
  /** Names the server in log lines and errors ("panel API", "hub API"). */
  name: string;
  host: string;
  port: number;
  router: Router;
  logger: Logger;
  maxBodyBytes: number;
  /** Runs before routing, for every request; throws (AuthError …) to refuse it. */
  authorize?: (req: IncomingMessage, pathname: string) => void;
}

export class JsonServer {
  readonly #options: JsonServerOptions;
  #server: Server | undefined;

  constructor(options: JsonServerOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const { host, port, logger } = this.#options;
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((err) => {
        logger.error({ err }, `unexpected ${this.#options.name} failure`);
        if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'internal error'));
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
    server.on('error', (err) => logger.error({ err }, `${this.#options.name} server error`));
  }

  address(): { host: string; port: number } {
    const a = this.#server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error(`${this.#options.name} is not listening`);
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { router, logger, authorize, maxBodyBytes } = this.#options;
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      authorize?.(req, url.pathname);
      const match = router.match(req.method ?? 'GET', url.pathname);
      if (match === undefined) return sendJson(res, 404, errorBody('not_found', `no route ${url.pathname}`));
      if (match === 'method')
        return sendJson(res, 405, errorBody('method_not_allowed', `${req.method} not allowed here`));
      const body = await readJsonBody(req, maxBodyBytes);
      const reply = await match.handler({ req, params: match.params, query: url.searchParams, body });
      sendReply(req, res, reply.status, reply.body, reply.headers);
    } catch (err) {
      const [status, body] = toErrorReply(err);
      if (status >= 500) logger.error({ err, path: url.pathname }, `${this.#options.name} handler failed`);
      else logger.debug({ status, path: url.pathname, code: body.error.code }, 'request rejected');
      const retry: Record<string, string> =
        err instanceof RateLimitedError ? { 'retry-after': String(err.retryAfterS) } : {};
      sendJson(res, status, body, retry);
    }
  }
}

/** Methods whose requests carry no body worth reading. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE']);

async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (BODYLESS.has(req.method ?? 'GET')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, 'body_too_large', `body exceeds ${maxBytes} bytes`);
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

/** One mapping from the domain error classes to HTTP statuses, for every server. */
export function toErrorReply(err: unknown): [number, ErrorBody] {
  if (err instanceof HttpError) return [err.status, errorBody(err.code, err.message)];
  if (err instanceof ValidationError) return [400, errorBody(err.code, err.message, err.issues)];
  if (err instanceof AuthError) return [401, errorBody(err.code, err.message)];
  if (err instanceof ForbiddenError) return [403, errorBody(err.code, err.message)];
  if (err instanceof NotFoundError) return [404, errorBody(err.code, err.message)];
  if (err instanceof RateLimitedError) return [429, errorBody(err.code, err.message)];
  if (err instanceof PortvaktError) return [409, errorBody(err.code, err.message)];
  return [500, errorBody('internal', 'internal error')];
}

function errorBody(code: string, message: string, issues?: readonly string[]): ErrorBody {
  return { error: issues?.length ? { code, message, issues: [...issues] } : { code, message } };
}

function sendReply(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (headers['content-type']) {
    const raw = Buffer.isBuffer(body) || typeof body === 'string' ? body : String(body);
    res.writeHead(status, {
      'cache-control': 'no-cache',
      'content-length': Buffer.byteLength(raw),
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : raw);
  } else if (body === undefined) {
    res.writeHead(status, { 'cache-control': 'no-store', ...headers });
    res.end();
  } else {
    sendJson(res, status, body, headers);
  }
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...extra,
  });
  res.end(JSON.stringify(body));
}
