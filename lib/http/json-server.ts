/**
 * The HTTP server of the panel's local API and of the hub: routes from a Router, JSON in and out, every
 * failure a JSON error `{error:{code,message,issues?}}` with a 4xx/5xx status mapped from the domain error
 * classes; nothing a client sends can throw out of a request handler — a request target that does not
 * parse is a 400 like any other bad input. Bodies are capped so a client cannot exhaust memory, and slow
 * clients are cut off by header and request timeouts. A request whose body is refused (too large, wrong
 * type, unauthorized …) is answered with `Connection: close` after the rest of its body has been read and
 * discarded (up to a bound): closing while the client still sends would make the kernel reset the
 * connection, and the client could lose the answer or try its next request on a dead keep-alive socket.
 * Host and Origin are checked first (request-origin.ts) when the server has an origin policy.
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
import { checkRequestOrigin, type OriginPolicy } from './request-origin.ts';
import type { Router } from './router.ts';
import { sendStream } from './stream-reply.ts';

/** How much of a refused body is read and discarded before the connection is closed anyway. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;

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
  /** Host and Origin checks (DNS rebinding, cross-site requests); absent = none (tests of other parts). */
  originPolicy?: OriginPolicy | undefined;
  /**
   * Told of every answered request (metrics): its route's template (`/api/v1/panels/{id}`, never the raw
   * path with its ids; undefined when no route matched), method, status and seconds until the answer's
   * head (a stream's start). Must not throw; it runs after the reply is written.
   */
  observe?: ((request: ObservedRequest) => void) | undefined;
}

export interface ObservedRequest {
  method: string;
  route: string | undefined;
  status: number;
  seconds: number;
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
    const { router, logger, authorize, maxBodyBytes, originPolicy, observe } = this.#options;
    let path = '(unparsed target)';
    const startedAt = observe ? performance.now() : 0;
    let route: string | undefined;
    let status = 500;
    try {
      const { url, absolute } = parseTarget(req.url ?? '/');
      path = url.pathname;
      if (originPolicy) checkRequestOrigin(req, url, absolute, originPolicy);
      authorize?.(req, url.pathname);
      const match = router.match(req.method ?? 'GET', url.pathname);
      if (match === undefined) throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
      if (match === 'method')
        throw new HttpError(405, 'method_not_allowed', `${req.method} not allowed here`);
      route = match.template;
      const body = await readRequestBody(req, {
        maxBytes: match.options.maxBodyBytes ?? maxBodyBytes,
        rawTypes: match.options.rawBodyTypes ?? [],
      });
      const reply = await match.handler({ req, params: match.params, query: url.searchParams, body });
      status = reply.status;
      if (reply.stream) sendStream(res, reply.status, reply.headers ?? {}, reply.stream);
      else sendReply(req, res, reply.status, reply.body, reply.headers);
    } catch (err) {
      const [errorStatus, body] = toErrorReply(err);
      status = errorStatus;
      if (status >= 500) logger.error({ err, path }, `${this.#options.name} handler failed`);
      else logger.debug({ status, path, code: body.error.code }, 'request rejected');
      const extra: Record<string, string> =
        err instanceof RateLimitedError ? { 'retry-after': String(err.retryAfterS) } : {};
      if (hasBody(req)) {
        // A refused body may be half sent: take the rest (bounded), then answer and close.
        await discardBody(req, DRAIN_LIMIT_BYTES);
        extra['connection'] = 'close';
      }
      if (!res.headersSent && !res.destroyed) sendJson(res, status, body, extra);
    }
    observe?.({
      method: req.method ?? 'GET',
      route,
      status,
      seconds: (performance.now() - startedAt) / 1000,
    });
  }
}

/**
 * The URL of a request target: origin-form (`/path?query`) or absolute-form (`http://host/path`, which a
 * proxy may send); anything else, or a URL that does not parse (`http://a:99999/`), is a 400.
 */
function parseTarget(target: string): { url: URL; absolute: boolean } {
  if (target.startsWith('/')) {
    // Concatenated, not resolved: `//a:99999/x` is a path here, not a host.
    const url = URL.parse(`http://localhost${target}`);
    if (url) return { url, absolute: false };
  } else {
    const url = URL.parse(target);
    if (url && (url.protocol === 'http:' || url.protocol === 'https:')) return { url, absolute: true };
  }
  throw new HttpError(400, 'bad_request_target', 'the request target is not a valid path or http(s) URL');
}

/** Whether the request announces a body (a length above zero, or chunked). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads and drops what is left of a request body, until its end or `limit` more bytes (then the
 * connection is closed under the sender anyway; the server's request timeout bounds a slow sender).
 */
async function discardBody(req: IncomingMessage, limit: number): Promise<void> {
  if (req.readableEnded || req.destroyed) return;
  await new Promise<void>((resolve) => {
    let seen = 0;
    const done = () => {
      req.off('data', onData).off('end', done).off('close', done).off('error', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) done();
    };
    req.on('data', onData).once('end', done).once('close', done).once('error', done);
    // Still flowing after `done`: the rest is dropped until the socket closes.
    req.resume();
  });
}

/** Methods whose requests carry no body worth reading. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE']);

/**
 * The body: parsed JSON, or the raw bytes when the route accepts the request's content type as is (a
 * CSV file). Anything else is a 415 naming what the route takes.
 */
async function readRequestBody(
  req: IncomingMessage,
  route: { maxBytes: number; rawTypes: readonly string[] },
): Promise<unknown> {
  if (BODYLESS.has(req.method ?? 'GET')) return undefined;
  const raw = await readBody(req, route.maxBytes);
  if (raw.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (route.rawTypes.includes(type)) return raw;
  if (type !== 'application/json')
    throw new HttpError(
      415,
      'unsupported_media_type',
      `send the body as ${['application/json', ...route.rawTypes].join(' or ')}`,
    );
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ValidationError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The body, up to `maxBytes`; beyond it a 413 that leaves the stream open (breaking a `for await` would
 * destroy the socket before the answer is written), so the caller can drain it and answer.
 */
function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'body_too_large', `body exceeds ${maxBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: () => void) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose).off('error', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish(() => reject(tooLarge()));
      else chunks.push(chunk);
    };
    const onEnd = () => finish(() => resolve(Buffer.concat(chunks, size)));
    const onClose = () =>
      finish(() => reject(new HttpError(400, 'body_incomplete', 'the request body was cut off')));
    req.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onClose);
  });
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
