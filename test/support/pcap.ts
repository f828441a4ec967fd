/**
 * Reads the UDP payloads out of a classic libpcap file (e.g. sipp's RTP captures in
 * /usr/share/sip-tester/): Ethernet or raw-IP link types, IPv4, either byte order. Enough to replay
 * recorded RTP in tests; anything else in the capture is skipped.
 */
import { readFileSync } from 'node:fs';

export interface CapturedUdp {
  timeUs: number;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
}

const LINK_ETHERNET = 1;
const LINK_RAW = 101;

export function readPcapUdp(path: string): CapturedUdp[] {
  const file = readFileSync(path);
  const magic = file.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && file.readUInt32BE(0) !== 0xa1b2c3d4 && file.readUInt32BE(0) !== 0xa1b23c4d) {
    throw new Error(`${path} is not a libpcap file`);
  }
  const nanos = (le ? magic : file.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (at: number) => (le ? file.readUInt32LE(at) : file.readUInt32BE(at));
  const link = u32(20);
  const out: CapturedUdp[] = [];
  for (let at = 24; at + 16 <= file.length; ) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const length = u32(at + 8);
    const frame = file.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    let ip = frame;
    if (link === LINK_ETHERNET) {
      if (frame.length < 14 || frame.readUInt16BE(12) !== 0x0800) continue;
      ip = frame.subarray(14);
    } else if (link !== LINK_RAW) continue;
    if (ip.length < 20 || ip[0]! >> 4 !== 4 || ip[9] !== 17) continue;
    const udp = ip.subarray((ip[0]! & 0x0f) * 4);
    if (udp.length < 8) continue;
    out.push({
      timeUs: seconds * 1e6 + (nanos ? fraction / 1000 : fraction),
      srcPort: udp.readUInt16BE(0),
      dstPort: udp.readUInt16BE(2),
      payload: Buffer.from(udp.subarray(8, udp.readUInt16BE(4))),
    });
  }
  return out;
}
