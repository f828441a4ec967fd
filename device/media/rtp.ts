/**
 * The little RTP parsing the fan-out needs, done on the raw UDP buffer so the common path (forward a
 * packet) never builds objects: header fields, and whether a packet starts a keyframe.
 */
import type { VideoCodec } from '../../hal/camera/types.ts';

export interface RtpHeaderView {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** Offset of the payload within the packet. */
  payloadOffset: number;
  /** Payload length without padding. */
  payloadLength: number;
}

/** Parses an RTP header (RFC 3550 5.1); undefined for anything that is not a well-formed RTP packet. */
export function readRtpHeader(packet: Buffer): RtpHeaderView | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const csrcCount = packet[0]! & 0x0f;
  let offset = 12 + csrcCount * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (end < offset) return undefined;
  return {
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payloadOffset: offset,
    payloadLength: end - offset,
  };
}

/**
 * VP8 (RFC 7741): the first packet of a key frame has S=1, PID=0 in the payload descriptor and P=0 in
 * the VP8 payload header that follows it.
 */
export function isVp8KeyframeStart(payload: Buffer): boolean {
  if (payload.length < 1) return false;
  const d = payload[0]!;
  if ((d & 0x10) === 0 || (d & 0x07) !== 0) return false;
  let i = 1;
  if (d & 0x80) {
    const x = payload[i++];
    if (x === undefined) return false;
    if (x & 0x80) i += (payload[i] ?? 0) & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) i++; // TL0PICIDX
    if (x & 0x30) i++; // TID / KEYIDX
  }
  const header = payload[i];
  return header !== undefined && (header & 0x01) === 0;
}

const NAL_IDR = 5;
const NAL_SPS = 7;
const NAL_STAP_A = 24;
const NAL_FU_A = 28;

/**
 * H.264 (RFC 6184): a keyframe starts with an SPS (our encoders repeat SPS/PPS before every IDR, alone
 * or aggregated in a STAP-A) or, for streams without repeated headers, the first fragment of an IDR.
 */
export function isH264KeyframeStart(payload: Buffer): boolean {
  if (payload.length < 2) return false;
  const type = payload[0]! & 0x1f;
  if (type === NAL_SPS || type === NAL_IDR) return true;
  if (type === NAL_FU_A) return (payload[1]! & 0x80) !== 0 && (payload[1]! & 0x1f) === NAL_IDR;
  if (type === NAL_STAP_A) {
    for (let i = 1; i + 2 < payload.length; ) {
      const size = payload.readUInt16BE(i);
      const inner = payload[i + 2]! & 0x1f;
      if (inner === NAL_SPS || inner === NAL_IDR) return true;
      i += 2 + size;
    }
  }
  return false;
}

export function isKeyframeStart(codec: VideoCodec, packet: Buffer, header: RtpHeaderView): boolean {
  const payload = packet.subarray(header.payloadOffset, header.payloadOffset + header.payloadLength);
  return codec === 'vp8' ? isVp8KeyframeStart(payload) : isH264KeyframeStart(payload);
}

// 30 s at 90 kHz (56 s at 48 kHz): far more than any pause of a live source.
const MAX_TIMESTAMP_JUMP = 2_700_000;

/**
 * True when `next` does not continue the stream that `previous` belongs to: another SSRC, or a jump
 * in sequence number or timestamp that no reordering or loss burst explains (a restarted encoder keeps
 * its configured SSRC but starts both at random values).
 */
export function isDiscontinuity(previous: RtpHeaderView | undefined, next: RtpHeaderView): boolean {
  if (!previous) return false;
  if (previous.ssrc !== next.ssrc) return true;
  const seq = (next.sequenceNumber - previous.sequenceNumber + 0x10000) % 0x10000;
  if (seq > 3000 && seq < 0x10000 - 100) return true;
  const ts = (next.timestamp - previous.timestamp) >>> 0;
  return ts > MAX_TIMESTAMP_JUMP && ts < 0x1_0000_0000 - MAX_TIMESTAMP_JUMP;
}
