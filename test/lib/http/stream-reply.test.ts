import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonServer } from '../../../lib/http/json-server.ts';
import { Router } from '../../../lib/http/router.ts';
import { type StreamSink, serverSentEvent } from '../../../lib/http/stream-reply.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';

let server: JsonServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function serve(router: Router): Promise<number> {
  server = new JsonServer({
    name: 'test API',
    host: '127.0.0.1',
    port: 0,
    router,
    logger: silentLogger,
    maxBodyBytes: 64,
  });
  await server.start();
  return server.address().port;
}

function open(port: number, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, resolve);
    req.on('error', reject);
    req.end();
  });
}

describe('stream replies', () => {
  it('sends the headers at once, then each write as it happens, until the handler ends it', async () => {
    let sink: StreamSink | undefined;
    const router = new Router().add('GET', '/s', () => ({
      status: 200,
      body: undefined,
      headers: { 'content-type': 'text/event-stream' },
      stream: {
        open: (s) => {
          sink = s;
        },
      },
    }));
    const port = await serve(router);
    const res = await open(port, '/s');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream');
    expect(res.headers['cache-control']).toBe('no-store');
    let text = '';
    res.setEncoding('utf8').on('data', (c: string) => {
      text += c;
    });
    await until(() => sink !== undefined, 'the stream to open', 2000);
    sink!.write(serverSentEvent({ event: 'x', id: 1, data: 'one' }));
    await until(() => text.includes('data: one'), 'the first event', 2000);
    sink!.write(serverSentEvent({ data: 'two' }));
    sink!.end();
    await new Promise((r) => res.once('end', r));
    expect(text).toBe('event: x\nid: 1\ndata: one\n\ndata: two\n\n');
    expect(sink!.closed).toBe(true);
  });

  it('tells the handler when the client goes away', async () => {
    let closed = false;
    const router = new Router().add('GET', '/s', () => ({
      status: 200,
      body: undefined,
      stream: { open: (s) => s.onClose(() => (closed = true)) },
    }));
    const port = await serve(router);
    const res = await open(port, '/s');
    res.destroy();
    await until(() => closed, 'the close to reach the handler', 2000);
  });

  it('cuts off a client that does not read once too much is queued for it', async () => {
    let sink: StreamSink | undefined;
    const router = new Router().add('GET', '/s', () => ({
      status: 200,
      body: undefined,
      stream: {
        maxBufferedBytes: 64 * 1024,
        open: (s) => {
          sink = s;
        },
      },
    }));
    const port = await serve(router);
    const res = await open(port, '/s');
    res.pause();
    await until(() => sink !== undefined, 'the stream to open', 2000);
    const chunk = 'x'.repeat(64 * 1024);
    // The kernel's socket buffers take the first few megabytes; the queue beyond them is the bound.
    for (let i = 0; i < 400 && !sink!.closed; i++) sink!.write(chunk);
    expect(sink!.closed).toBe(true);
  });

  it('keeps a line break in the data from starting another field', () => {
    expect(serverSentEvent({ event: 'a\nid: 9', data: 'x\nevent: evil\r\ny' })).toBe(
      'event: aid: 9\ndata: x\ndata: event: evil\ndata: y\n\n',
    );
  });
});
