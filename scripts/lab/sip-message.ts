/**
 * The little SIP a lab phone needs (RFC 3261): parse a datagram into start line, headers and body;
 * build requests and responses; answer a digest challenge (RFC 2617, MD5, with or without qop=auth).
 * Lab code: it talks only to our own edge on loopback, so it is strict where that is cheap and
 * simple elsewhere (no folding, no compact header forms beyond the ones Kamailio sends).
 */
import { createHash, randomBytes } from 'node:crypto';

export interface SipMessage {
  /** "INVITE sip:x@y SIP/2.0" or "SIP/2.0 200 OK". */
  startLine: string;
  /** Lower-case names; repeated headers keep their order. */
  headers: [string, string][];
  body: string;
}

const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
};

export function parseSip(datagram: Buffer | string): SipMessage | undefined {
  const text = datagram.toString();
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [startLine = '', ...lines] = text.slice(0, split).split('\r\n');
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[name] ?? name, line.slice(colon + 1).trim()]);
  }
  return { startLine, headers, body: text.slice(split + 4) };
}

export const header = (m: SipMessage, name: string): string | undefined =>
  m.headers.find(([n]) => n === name)?.[1];

export const headers = (m: SipMessage, name: string): string[] =>
  m.headers.filter(([n]) => n === name).map(([, v]) => v);

export const isResponse = (m: SipMessage): boolean => m.startLine.startsWith('SIP/2.0 ');

export const statusOf = (m: SipMessage): number => Number(m.startLine.split(' ')[1]);

export const methodOf = (m: SipMessage): string => m.startLine.split(' ')[0] ?? '';

export const cseqMethod = (m: SipMessage): string => (header(m, 'cseq') ?? '').split(/\s+/)[1] ?? '';

/** Serializes with a correct Content-Length. */
export function formatSip(startLine: string, hs: [string, string][], body = ''): string {
  const lines = [
    startLine,
    ...hs.map(([n, v]) => `${n}: ${v}`),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A response to `request`, echoing the headers RFC 3261 8.2.6 says to echo; `toTag` is added to To. */
export function responseTo(
  request: SipMessage,
  status: number,
  reason: string,
  extra: [string, string][] = [],
  body = '',
  toTag?: string,
): string {
  const to = header(request, 'to') ?? '';
  const echoed: [string, string][] = [
    ...headers(request, 'via').map((v) => ['Via', v] as [string, string]),
    ...headers(request, 'record-route').map((v) => ['Record-Route', v] as [string, string]),
    ['From', header(request, 'from') ?? ''],
    ['To', toTag && !/;tag=/.test(to) ? `${to};tag=${toTag}` : to],
    ['Call-ID', header(request, 'call-id') ?? ''],
    ['CSeq', header(request, 'cseq') ?? ''],
  ];
  return formatSip(`SIP/2.0 ${status} ${reason}`, [...echoed, ...extra], body);
}

export const newTag = (): string => randomBytes(6).toString('hex');
export const newBranch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

/** The Authorization (or Proxy-Authorization) value answering a WWW-/Proxy-Authenticate challenge. */
export function digestAnswer(
  challenge: string,
  creds: { username: string; password: string },
  method: string,
  uri: string,
): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1];
  const realm = param('realm') ?? '';
  const nonce = param('nonce') ?? '';
  const qop = param('qop');
  const ha1 = md5(`${creds.username}:${realm}:${creds.password}`);
  const ha2 = md5(`${method}:${uri}`);
  const parts = [`username="${creds.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${uri}"`];
  if (qop && /\bauth\b/.test(qop)) {
    const cnonce = randomBytes(8).toString('hex');
    const nc = '00000001';
    parts.push(`response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`);
    parts.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
  } else parts.push(`response="${md5(`${ha1}:${nonce}:${ha2}`)}"`);
  parts.push('algorithm=MD5');
  const opaque = param('opaque');
  if (opaque) parts.push(`opaque="${opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

/** The URI inside a name-addr ("Name" <sip:x@y;lr>;tag=…) or the bare URI. */
export function uriOf(nameAddr: string): string {
  const m = /<([^>]+)>/.exec(nameAddr);
  return (m?.[1] ?? nameAddr.split(';')[0] ?? '').trim();
}

/** The media address and port and the payload types of the first audio line of an SDP. */
export function sdpAudio(sdp: string): { address: string; port: number; payloadTypes: number[] } | undefined {
  const address = /^c=IN IP4 (\S+)/m.exec(sdp)?.[1];
  const m = /^m=audio (\d+) RTP\/AVP ([\d ]+)/m.exec(sdp);
  if (!address || !m) return undefined;
  return { address, port: Number(m[1]), payloadTypes: (m[2] ?? '').trim().split(/\s+/).map(Number) };
}
