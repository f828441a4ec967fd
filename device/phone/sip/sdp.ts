/**
 * The phone leg's SDP: the offer the panel sends (plain RTP/AVP with G.711 µ-law and A-law and RFC 4733
 * telephone-events, nothing else: no ICE, no DTLS, no video) and the parse of the phone's answer. The
 * answer is outside input: anything the leg cannot use is refused with a ValidationError naming what.
 */
import { z } from 'zod';
import { ValidationError } from '../../../lib/errors.ts';
import type { G711Codec, PhoneMediaRemote } from '../types.ts';

/** RTP/AVP static payload types (RFC 3551) and the one dynamic type the panel offers. */
const PCMU_PT = 0;
const PCMA_PT = 8;
export const OFFER_TELEPHONE_EVENT_PT = 101;

export function buildOffer(
  local: { address: string; port: number },
  sessionId: string,
  version: number,
): string {
  const ip = local.address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=portvakt ${sessionId} ${version} IN ${ip} ${local.address}`,
    's=portvakt',
    `c=IN ${ip} ${local.address}`,
    't=0 0',
    `m=audio ${local.port} RTP/AVP ${PCMU_PT} ${PCMA_PT} ${OFFER_TELEPHONE_EVENT_PT}`,
    `a=rtpmap:${PCMU_PT} PCMU/8000`,
    `a=rtpmap:${PCMA_PT} PCMA/8000`,
    `a=rtpmap:${OFFER_TELEPHONE_EVENT_PT} telephone-event/8000`,
    `a=fmtp:${OFFER_TELEPHONE_EVENT_PT} 0-15`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

const remoteSchema = z.object({
  address: z.union([z.ipv4(), z.ipv6()]),
  port: z.number().int().min(1).max(65535),
  codec: z.enum(['pcmu', 'pcma']),
  telephoneEventPt: z.number().int().min(96).max(127).nullable(),
});

/** The media answer, or a ValidationError saying why the leg cannot use it. */
export function parseAnswer(sdp: string): PhoneMediaRemote {
  const lines = sdp.split(/\r?\n/).map((l) => l.trim());
  const mIndex = lines.findIndex((l) => l.startsWith('m=audio '));
  if (mIndex < 0) throw new ValidationError('SDP answer has no audio stream');
  const session = lines.slice(0, mIndex);
  const media = lines.slice(mIndex + 1, nextMediaLine(lines, mIndex));
  const [, portText = '', proto = '', ...formats] = (lines[mIndex] ?? '').split(/\s+/);
  if (proto !== 'RTP/AVP')
    throw new ValidationError(`SDP answer's audio is ${proto || 'missing a profile'}, not plain RTP/AVP`);
  const port = Number(portText.split('/')[0]);
  if (port === 0) throw new ValidationError('SDP answer rejected the audio stream (port 0)');
  const connection = [...media, ...session].find((l) => l.startsWith('c='));
  const address = connection?.split(/\s+/)[2]?.split('/')[0];
  if (!address) throw new ValidationError('SDP answer has no connection address');
  if (media.includes('a=inactive')) throw new ValidationError('SDP answer put the audio on hold (inactive)');

  const rtpmap = new Map<number, string>();
  for (const l of media) {
    const m = /^a=rtpmap:(\d+)\s+([^/\s]+)\/(\d+)/.exec(l);
    if (m) rtpmap.set(Number(m[1]), `${(m[2] ?? '').toLowerCase()}/${m[3]}`);
  }
  const nameOf = (pt: number): string | undefined =>
    rtpmap.get(pt) ?? (pt === PCMU_PT ? 'pcmu/8000' : pt === PCMA_PT ? 'pcma/8000' : undefined);
  let codec: G711Codec | undefined;
  let telephoneEventPt: number | null = null;
  for (const f of formats) {
    const pt = Number(f);
    const name = nameOf(pt);
    // The first G.711 format in the answer's order is the one the phone chose.
    if (codec === undefined && (name === 'pcmu/8000' || name === 'pcma/8000'))
      codec = name === 'pcmu/8000' ? 'pcmu' : 'pcma';
    if (telephoneEventPt === null && name === 'telephone-event/8000') telephoneEventPt = pt;
  }
  if (!codec)
    throw new ValidationError(`SDP answer offers no G.711 codec (formats ${formats.join(' ') || 'none'})`);
  const parsed = remoteSchema.safeParse({ address, port, codec, telephoneEventPt });
  if (!parsed.success)
    throw new ValidationError(
      'SDP answer is not usable',
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
    );
  return parsed.data;
}

function nextMediaLine(lines: readonly string[], after: number): number {
  const i = lines.findIndex((l, idx) => idx > after && l.startsWith('m='));
  return i < 0 ? lines.length : i;
}
