import { Agent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AuthError,
  ForbiddenError,
  NotFoundError,
  PortvaktError,
  RateLimitedError,
} from '../../../lib/errors.ts';
import { requireBearer, secretsEqual } from '../../../lib/http/bearer.ts';
import { JsonServer } from '../../../lib/http/json-server.ts';
import { parseInput } from '../../../lib/http/parse-input.ts';
import { Router } from '../../../lib/http/router.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { rawRequestText } from '../../support/raw-http.ts';

let server: JsonServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(router: Router, authorize?: (req: { headers: { authorization?: string } }) => void) {
  server = new JsonServer({
    name: 'test API',
    host: '127.0.0.1',
    port: 0,
    router,
    logger: silentLogger,
    maxBodyBytes: 64,
    ...(authorize ? { authorize } : {}),
  });
  await server.start();
  return `http://127.0.0.1:${server.address().port}`;
}

describe('JsonServer', () => {
  it('maps every domain error class to its status, with the JSON error body', async () => {
    const errors: Record<string, () => void> = {
      auth: () => {
        throw new AuthError('who are you');
      },
      forbidden: () => {
        throw new ForbiddenError('not yours');
      },
      missing: () => {
        throw new NotFoundError('no such door');
      },
      limited: () => {
        throw new RateLimitedError('slow down', 2500);
      },
      conflict: () => {
        throw new PortvaktError('busy', 'a call is in progress');
      },
      bug: () => {
        throw new TypeError('x is undefined');
      },
      invalid: () => {
        parseInput(z.object({ n: z.number() }), { n: 'x' }, 'body');
      },
    };
    const router = new Router();
    for (const [name, fail] of Object.entries(errors))
      router.add('GET', `/${name}`, () => {
        fail();
        return { status: 200, body: null };
      });
    const base = await serve(router);
    const status = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return { status: res.status, body: (await res.json()) as { error: Record<string, unknown> }, res };
    };
    expect((await status('/auth')).status).toBe(401);
    expect((await status('/forbidden')).body.error).toEqual({ code: 'forbidden', message: 'not yours' });
    expect((await status('/missing')).status).toBe(404);
    const limited = await status('/limited');
    expect(limited.status).toBe(429);
    expect(limited.res.headers.get('retry-after')).toBe('3');
    expect((await status('/conflict')).body.error['code']).toBe('busy');
    const bug = await status('/bug');
    expect(bug.status).toBe(500);
    expect(bug.body.error['message']).toBe('internal error');
    const invalid = await status('/invalid');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error['issues']).toEqual([expect.stringMatching(/^n: /)]);
  });

  it('refuses oversized, non-JSON and malformed bodies, unknown paths and methods', async () => {
    const router = new Router().add('POST', '/echo', ({ body }) => ({ status: 200, body }));
    const base = await serve(router);
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{"a":1}')).status).toBe(200);
    expect((await post(JSON.stringify({ a: 'x'.repeat(100) }))).status).toBe(413);
    expect((await post('{"a":1}', 'text/plain')).status).toBe(415);
    expect((await post('{"a":')).status).toBe(400);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    expect((await fetch(`${base}/echo`)).status).toBe(405);
  });

  it('answers HEAD from GET routes without a body, and sends 204 and redirects without one', async () => {
    const router = new Router()
      .add('GET', '/page', () => ({ status: 200, body: 'hello', headers: { 'content-type': 'text/plain' } }))
      .add('DELETE', '/thing', () => ({ status: 204, body: undefined }))
      .add('GET', '/old', () => ({ status: 301, body: undefined, headers: { location: '/page' } }));
    const base = await serve(router);
    const head = await fetch(`${base}/page`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('5');
    expect(await head.text()).toBe('');
    expect((await fetch(`${base}/thing`, { method: 'DELETE' })).status).toBe(204);
    const moved = await fetch(`${base}/old`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/page');
  });

  it('runs the authorize hook before routing', async () => {
    const router = new Router().add('GET', '/secret', () => ({ status: 200, body: { ok: true } }));
    const base = await serve(router, (req) => requireBearer(req, 'correct horse battery', 'admin token'));
    const wrong = await fetch(`${base}/secret`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe(
      'missing or wrong admin token (Authorization: Bearer <token>)',
    );
    expect((await fetch(`${base}/nothing-here`)).status).toBe(401);
    const right = await fetch(`${base}/secret`, {
      headers: { authorization: 'Bearer correct horse battery' },
    });
    expect(right.status).toBe(200);
  });
});

describe('secretsEqual', () => {
  it('compares strings and buffers of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abd')).toBe(false);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual(Buffer.from('é'), 'é')).toBe(true);
    expect(secretsEqual('', '')).toBe(true);
  });
});

describe('JsonServer connections and request targets', () => {
  /** One request on `agent` (keep-alive, one socket), with the status, headers and the socket used. */
  function request(
    base: string,
    agent: Agent,
    method: string,
    path: string,
    body?: Buffer,
  ): Promise<{ status: number; connection: string | undefined; socket: object | null }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, {
        method,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, socket: req.socket }),
        );
      });
      req.end(body);
    });
  }

  it('answers an oversized body with 413 and Connection: close, and the next request on the agent works', async () => {
    const router = new Router()
      .add('POST', '/echo', ({ body }) => ({ status: 200, body }))
      .add('GET', '/ok', () => ({ status: 200, body: { ok: true } }));
    const base = await serve(router);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await request(base, agent, 'GET', '/ok');
      const again = await request(base, agent, 'GET', '/ok');
      expect(again.socket).toBe(first.socket); // the agent really keeps connections alive
      for (const size of [65, 100 * 1024]) {
        const big = await request(base, agent, 'POST', '/echo', Buffer.alloc(size, 0x20));
        expect(big).toMatchObject({ status: 413, connection: 'close' });
        const next = await request(base, agent, 'GET', '/ok');
        expect(next.status).toBe(200);
        expect(next.socket).not.toBe(big.socket);
      }
      // A body refused before it is read (unknown path) closes the same way.
      const refused = await request(base, agent, 'POST', '/nowhere', Buffer.from('{"a":1}'));
      expect(refused).toMatchObject({ status: 404, connection: 'close' });
      expect((await request(base, agent, 'POST', '/echo', Buffer.from('{"a":1}'))).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('answers request targets that do not parse with 400, never 500', async () => {
    const base = await serve(new Router().add('GET', '/healthz', () => ({ status: 200, body: {} })));
    const { port } = new URL(base);
    for (const target of [
      'http://a:99999/healthz',
      'http://[::1/healthz',
      'ftp://x/healthz',
      'healthz',
      '*',
    ]) {
      const reply = await rawRequestText(Number(port), `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      // Node's parser refuses some on its own (also a 400); the rest reach the server's error handling.
      expect(reply, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    const unparsable = await rawRequestText(
      Number(port),
      'GET http://a:99999/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    expect(unparsable).toContain('"code":"bad_request_target"');
    // A well-formed absolute-form target is served, and `//x` is a path, not a host.
    const absolute = await rawRequestText(
      Number(port),
      `GET ${base}/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(absolute).toMatch(/^HTTP\/1\.1 200 /);
    const slashes = await rawRequestText(
      Number(port),
      'GET //a:99999/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    expect(slashes).toMatch(/^HTTP\/1\.1 404 /);
  });
});

describe('JsonServer route options', () => {
  it('gives one route a larger bound and a raw content type, and leaves the others as they were', async () => {
    const router = new Router()
      .add('POST', '/small', ({ body }) => ({ status: 200, body: { json: body } }))
      .add(
        'POST',
        '/upload',
        ({ body }) => ({
          status: 200,
          body: Buffer.isBuffer(body) ? { bytes: body.length } : { json: body },
        }),
        { maxBodyBytes: 1024, rawBodyTypes: ['text/csv'] },
      );
    const base = await serve(router);
    const post = (path: string, body: string, type: string) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': type }, body }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { error: { message: string } },
      }));
    const csv = 'a,b\n'.repeat(100);
    expect(await post('/upload', csv, 'text/csv; charset=utf-8')).toEqual({
      status: 200,
      body: { bytes: 400 },
    });
    expect(await post('/upload', JSON.stringify({ csv }), 'application/json')).toMatchObject({ status: 200 });
    expect((await post('/upload', 'x'.repeat(1025), 'text/csv')).status).toBe(413);
    const other = await post('/upload', '<a/>', 'application/xml');
    expect(other.status).toBe(415);
    expect(other.body.error.message).toBe('send the body as application/json or text/csv');
    // The server's own bound (64 bytes) and JSON only, elsewhere.
    expect((await post('/small', csv, 'text/csv')).status).toBe(413);
    expect((await post('/small', 'a,b', 'text/csv')).status).toBe(415);
  });
});
