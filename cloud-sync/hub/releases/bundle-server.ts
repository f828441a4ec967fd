/**
 * Serves release bundles to panels: `GET /releases/{id}.raucb`, streamed from the hub data dir. Its own
 * listener, apart from the admin API: panels hold no admin credentials, and the bytes need none — a
 * panel takes only the bytes whose SHA-256 its hub-signed command names, and RAUC checks the release
 * signature again. What is bounded is the cost: a few downloads at once (more get 503 and the operator
 * retries), GET and HEAD only, ids of the catalogue's form only (no path can be named).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { ReleaseCatalogue } from './catalogue.ts';

const PATH = /^\/releases\/(rel-[0-9a-f]{16})\.raucb$/;

export interface BundleServerOptions {
  catalogue: Pick<ReleaseCatalogue, 'path'>;
  /** Only catalogue releases are served (a stray file in the folder is not). */
  isRelease: (id: string) => boolean;
  host: string;
  port: number;
  maxConcurrent: number;
  logger: Logger;
}

export class BundleServer {
  readonly #o: BundleServerOptions;
  #server: Server | undefined;
  #active = 0;

  constructor(options: BundleServerOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.#handle(req, res));
    // A panel on a slow link takes minutes; a client that sends nothing is cut early.
    server.headersTimeout = 10_000;
    server.requestTimeout = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#o.port, this.#o.host, resolve);
    });
    this.#server = server;
  }

  address(): AddressInfo {
    if (!this.#server) throw new Error('bundle server not started');
    return this.#server.address() as AddressInfo;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return end(res, 405, 'GET or HEAD only');
    const id = PATH.exec(new URL(req.url ?? '/', 'http://x').pathname)?.[1];
    if (!id || !this.#o.isRelease(id)) return end(res, 404, 'no such release');
    if (this.#active >= this.#o.maxConcurrent) return end(res, 503, 'too many downloads; retry later');
    this.#active++;
    try {
      const file = this.#o.catalogue.path(id);
      const { size } = await stat(file);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
      if (req.method === 'HEAD') return void res.end();
      await pipeline(createReadStream(file), res);
    } catch (err) {
      this.#o.logger.warn({ id, err: errorMessage(err) }, 'bundle download ended early');
      if (!res.headersSent) end(res, 500, 'bundle unavailable');
      else res.destroy();
    } finally {
      this.#active--;
    }
  }
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}
