/**
 * A minimal SIP user agent client over UDP for the lab: one request at a time, answering a digest
 * challenge once. Enough to ping the edge (OPTIONS), register a phone as a number, and try requests the
 * edge must refuse (a phone placing a call, an INVITE toward a panel) — things sip.js (WebSocket only)
 * and baresip cannot be told to do on purpose.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { digestAnswer } from './sip-message.ts';

export interface SipEndpoint {
  address: string;
  port: number;
}

export interface SipResponse {
  status: number;
  reason: string;
  headers: Map<string, string>;
  raw: string;
}

export interface SipRequestOptions {
  method: string;
  /** Request URI, e.g. sip:+46700000001@domain. */
  uri: string;
  fromUser: string;
  toUser: string;
  domain: string;
  /** Digest credentials, used when the edge challenges (401/407). */
  auth?: { username: string; password: string };
  /** Extra header lines (without CRLF), e.g. Contact, Expires. */
  headers?: string[];
  body?: { type: string; text: string };
  /** A To tag: the request claims to be inside a dialog. */
  toTag?: string;
  timeoutMs?: number;
}

const token = (): string => randomBytes(6).toString('hex');

/** Sends one request (and its authenticated retry) from a fresh socket; resolves with the final response. */
export async function sipRequest(edge: SipEndpoint, options: SipRequestOptions): Promise<SipResponse> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  try {
    const callId = `${token()}@lab`;
    const fromTag = token();
    let cseq = 1;
    let response = await exchange(socket, edge, build(options, socket, callId, fromTag, cseq), options);
    if ((response.status === 401 || response.status === 407) && options.auth) {
      const challenge = response.headers.get(
        response.status === 401 ? 'www-authenticate' : 'proxy-authenticate',
      );
      if (!challenge) return response;
      // ACK a non-2xx final answer to an INVITE (same transaction), so the edge stops retransmitting.
      if (options.method === 'INVITE')
        socket.send(ackFor(response, options, socket, callId, fromTag, cseq), edge.port, edge.address);
      cseq += 1;
      const header = `${response.status === 401 ? 'Authorization' : 'Proxy-Authorization'}: ${digestAnswer(challenge, options.auth, options.method, options.uri)}`;
      response = await exchange(socket, edge, build(options, socket, callId, fromTag, cseq, header), options);
    }
    if (options.method === 'INVITE' && response.status >= 300)
      socket.send(ackFor(response, options, socket, callId, fromTag, cseq), edge.port, edge.address);
    return response;
  } finally {
    socket.close();
  }
}

function local(socket: Socket): string {
  const a = socket.address();
  return `${a.address}:${a.port}`;
}

let branchCounter = 0;
const lastBranch = new Map<number, string>();

function build(
  o: SipRequestOptions,
  socket: Socket,
  callId: string,
  fromTag: string,
  cseq: number,
  authHeader?: string,
): string {
  const branch = `z9hG4bK${token()}${branchCounter++}`;
  lastBranch.set(cseq, branch);
  const lines = [
    `${o.method} ${o.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local(socket)};rport;branch=${branch}`,
    'Max-Forwards: 70',
    `From: <sip:${o.fromUser}@${o.domain}>;tag=${fromTag}`,
    `To: <sip:${o.toUser}@${o.domain}>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${o.method}`,
    ...(o.headers ?? []),
    ...(authHeader ? [authHeader] : []),
  ];
  if (o.body) lines.push(`Content-Type: ${o.body.type}`);
  const body = o.body?.text ?? '';
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join('\r\n');
}

function ackFor(
  r: SipResponse,
  o: SipRequestOptions,
  socket: Socket,
  callId: string,
  fromTag: string,
  cseq: number,
): string {
  return [
    `ACK ${o.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local(socket)};rport;branch=${lastBranch.get(cseq) ?? 'z9hG4bKx'}`,
    'Max-Forwards: 70',
    `From: <sip:${o.fromUser}@${o.domain}>;tag=${fromTag}`,
    `To: ${r.headers.get('to') ?? `<sip:${o.toUser}@${o.domain}>`}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ACK`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Waits for the final response (provisional ones are skipped), retransmitting as UDP needs. */
function exchange(
  socket: Socket,
  edge: SipEndpoint,
  message: string,
  o: SipRequestOptions,
): Promise<SipResponse> {
  const timeoutMs = o.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const send = (): void => socket.send(message, edge.port, edge.address);
    const retransmit = setInterval(send, 500);
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `no final answer to ${o.method} ${o.uri} from ${edge.address}:${edge.port} in ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onMessage = (msg: Buffer): void => {
      const parsed = parseResponse(msg.toString());
      if (!parsed || parsed.status < 200) return;
      cleanup();
      resolve(parsed);
    };
    const cleanup = (): void => {
      clearInterval(retransmit);
      clearTimeout(timer);
      socket.off('message', onMessage);
    };
    socket.on('message', onMessage);
    send();
  });
}

function parseResponse(raw: string): SipResponse | undefined {
  const [head = ''] = raw.split('\r\n\r\n');
  const [first = '', ...rest] = head.split('\r\n');
  const m = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(first);
  if (!m) return undefined;
  const headers = new Map<string, string>();
  for (const line of rest) {
    const i = line.indexOf(':');
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { status: Number(m[1]), reason: m[2] ?? '', headers, raw };
}
