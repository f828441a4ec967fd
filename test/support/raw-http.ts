/**
 * HTTP as a browser or a hostile client sends it, for the servers' hardening tests: any Host, Origin and
 * request target (fetch cannot set those), and requests on a keep-alive agent to see which connection
 * each one used.
 */
import { type Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The connection the request went on (compare two replies to see whether it was kept alive). */
  socket: object | null;
}

/** One request to 127.0.0.1:`port`; `headers` may set Host and Origin. */
export function rawHttp(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer | string; agent?: Agent } = {},
): Promise<RawReply> {
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : options.body;
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method,
      path,
      ...(options.agent ? { agent: options.agent } : {}),
      headers: {
        ...(body ? { 'content-type': 'application/json', 'content-length': String(body.length) } : {}),
        ...options.headers,
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          socket: req.socket,
        }),
      );
    });
    req.end(body);
  });
}

/** `text` sent as is on a fresh connection (`Connection: close` added); the raw answer. */
export function rawRequestText(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
    socket.write(text.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  });
}
