/**
 * OSDP v2.2 packet layout (§5): SOM 0x53, ADDR (0x7F broadcast; bit 7 set on replies), LEN (whole packet,
 * LSB first), CTRL (SQN in bits 0-1, bit 2 = CRC-16 instead of checksum, bit 3 = a Security Control Block
 * follows), optional SCB (length, type, data), the command/reply code, data, a 4-byte MAC in secure
 * messages (SCB types 0x15-0x18), then the CRC-16 (LSB first) or the checksum.
 * Encoding and decoding only: no state, no I/O. Secure Channel MACs are computed by the caller over
 * `authenticated` (SOM through data), so this module never sees a key.
 */
import { osdpChecksum, osdpCrc16 } from './crc.ts';
import { OsdpFrameError } from './errors.ts';

export const OSDP_SOM = 0x53;
export const OSDP_BROADCAST = 0x7f;
const REPLY_BIT = 0x80;
const CTRL_CRC = 0x04;
const CTRL_SCB = 0x08;
/** Bits 4-6 are reserved and must be zero; bit 7 (multi-part) is tolerated and ignored. */
const CTRL_RESERVED = 0x70;
export const OSDP_HEADER_LENGTH = 5;
export const OSDP_MAC_LENGTH = 4;
/** Smallest packet: header, code and a checksum. */
export const OSDP_MIN_FRAME = OSDP_HEADER_LENGTH + 2;
/**
 * Largest packet accepted. The standard lets a PD announce its receive size; 1024 covers every command
 * and reply a card reader sends and bounds what a junk length field can make us buffer.
 */
export const OSDP_MAX_FRAME = 1024;

/** SCB types that carry a MAC after the data. */
export function scbHasMac(type: number): boolean {
  return type >= 0x15 && type <= 0x18;
}

export interface OsdpScb {
  /** SCS_11 … SCS_18. */
  type: number;
  /** The bytes after the type (key type for 0x11-0x13, status for 0x14, none for 0x15-0x18). */
  data: Buffer;
}

export interface OsdpFrameFields {
  /** 0x00-0x7F without the reply bit. */
  address: number;
  reply: boolean;
  /** 0-3. */
  sqn: number;
  /** true: CRC-16; false: 8-bit checksum. */
  crc: boolean;
  scb?: OsdpScb | undefined;
  code: number;
  data: Buffer;
}

export interface OsdpFrame extends OsdpFrameFields {
  /** First 4 bytes of the MAC (secure messages only). */
  mac?: Buffer | undefined;
  /** SOM through data: what the MAC covers. */
  authenticated: Buffer;
  /** The whole packet as received. */
  raw: Buffer;
}

/**
 * Encodes a packet. For SCB types 0x15-0x18 `sign` returns the MAC of SOM..data (its first 4 bytes are
 * sent); it is called after LEN is final, as the MAC covers the length field too.
 */
export function encodeFrame(fields: OsdpFrameFields, sign?: (authenticated: Buffer) => Buffer): Buffer {
  if (!Number.isInteger(fields.address) || fields.address < 0 || fields.address > 0x7f)
    throw new RangeError(`OSDP address ${fields.address} is outside 0-127`);
  if (!Number.isInteger(fields.sqn) || fields.sqn < 0 || fields.sqn > 3)
    throw new RangeError(`OSDP sequence number ${fields.sqn} is outside 0-3`);
  const scb = fields.scb;
  const withMac = scb !== undefined && scbHasMac(scb.type);
  if (withMac && !sign) throw new RangeError(`SCB type 0x${hex(scb.type)} needs a MAC`);
  const scbLength = scb ? 2 + scb.data.length : 0;
  const trailer = fields.crc ? 2 : 1;
  const length =
    OSDP_HEADER_LENGTH + scbLength + 1 + fields.data.length + (withMac ? OSDP_MAC_LENGTH : 0) + trailer;
  if (length > OSDP_MAX_FRAME)
    throw new RangeError(`OSDP packet of ${length} bytes exceeds ${OSDP_MAX_FRAME}`);
  const out = Buffer.alloc(length);
  out[0] = OSDP_SOM;
  out[1] = fields.address | (fields.reply ? REPLY_BIT : 0);
  out.writeUInt16LE(length, 2);
  out[4] = fields.sqn | (fields.crc ? CTRL_CRC : 0) | (scb ? CTRL_SCB : 0);
  let at = OSDP_HEADER_LENGTH;
  if (scb) {
    out[at++] = scbLength;
    out[at++] = scb.type;
    at += scb.data.copy(out, at);
  }
  out[at++] = fields.code;
  at += fields.data.copy(out, at);
  if (withMac) {
    const mac = sign!(out.subarray(0, at));
    at += mac.copy(out, at, 0, OSDP_MAC_LENGTH);
  }
  if (fields.crc) out.writeUInt16LE(osdpCrc16(out, 0, at), at);
  else out[at] = osdpChecksum(out, 0, at);
  return out;
}

/** Decodes exactly one packet; throws OsdpFrameError naming the first thing that is wrong. */
export function decodeFrame(packet: Buffer): OsdpFrame {
  if (packet.length < OSDP_HEADER_LENGTH)
    throw new OsdpFrameError('truncated', `${packet.length} bytes, a header needs ${OSDP_HEADER_LENGTH}`);
  if (packet[0] !== OSDP_SOM) throw new OsdpFrameError('bad_som', `starts with 0x${hex(packet[0]!)}`);
  const length = packet.readUInt16LE(2);
  if (length < OSDP_MIN_FRAME || length > OSDP_MAX_FRAME)
    throw new OsdpFrameError(
      'length_out_of_bounds',
      `LEN ${length} (valid ${OSDP_MIN_FRAME}-${OSDP_MAX_FRAME})`,
    );
  if (packet.length < length) throw new OsdpFrameError('truncated', `${packet.length} of ${length} bytes`);
  if (packet.length > length)
    throw new OsdpFrameError('length_mismatch', `LEN says ${length} bytes, got ${packet.length}`);
  const ctrl = packet[4]!;
  if (ctrl & CTRL_RESERVED)
    throw new OsdpFrameError('bad_control', `reserved CTRL bits set (0x${hex(ctrl)})`);
  const crc = (ctrl & CTRL_CRC) !== 0;
  const trailer = crc ? 2 : 1;
  const end = length - trailer;
  if (crc) {
    const expected = osdpCrc16(packet, 0, end);
    const got = packet.readUInt16LE(end);
    if (expected !== got)
      throw new OsdpFrameError(
        'crc_mismatch',
        `CRC 0x${got.toString(16)} should be 0x${expected.toString(16)}`,
      );
  } else if (osdpChecksum(packet, 0, end) !== packet[end]) {
    throw new OsdpFrameError('checksum_mismatch', 'checksum does not match');
  }
  let at = OSDP_HEADER_LENGTH;
  let scb: OsdpScb | undefined;
  if (ctrl & CTRL_SCB) {
    const scbLength = packet[at]!;
    if (scbLength < 2 || at + scbLength >= end)
      throw new OsdpFrameError('bad_scb', `SCB length ${scbLength} does not fit the packet`);
    scb = { type: packet[at + 1]!, data: Buffer.from(packet.subarray(at + 2, at + scbLength)) };
    if (scb.type < 0x11 || scb.type > 0x18)
      throw new OsdpFrameError('bad_scb', `unknown SCB type 0x${hex(scb.type)}`);
    at += scbLength;
  }
  const macLength = scb && scbHasMac(scb.type) ? OSDP_MAC_LENGTH : 0;
  if (at + 1 + macLength > end)
    throw new OsdpFrameError('length_mismatch', 'no room for the code (and MAC) in LEN');
  const code = packet[at]!;
  const dataEnd = end - macLength;
  const address = packet[1]! & 0x7f;
  return {
    address,
    reply: (packet[1]! & REPLY_BIT) !== 0,
    sqn: ctrl & 0x03,
    crc,
    scb,
    code,
    data: Buffer.from(packet.subarray(at + 1, dataEnd)),
    mac: macLength ? Buffer.from(packet.subarray(dataEnd, end)) : undefined,
    authenticated: Buffer.from(packet.subarray(0, dataEnd)),
    raw: Buffer.from(packet),
  };
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}
