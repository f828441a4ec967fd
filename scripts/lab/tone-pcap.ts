/**
 * Writes a pcap of G.711 µ-law RTP carrying DTMF as in-band tones (the two sines of each digit), for sipp's
 * `play_pcap_audio` (it rewrites addresses and ports to the call's media, so the ones here are
 * placeholders). Phones and trunks that cannot send RFC 4733 or SIP INFO send digits this way.
 */
import { writeFile } from 'node:fs/promises';

const RATE = 8000;
const PTIME_MS = 20;
const SAMPLES = (RATE * PTIME_MS) / 1000;

/** DTMF row/column frequencies (Hz). */
const TONES: Record<string, [number, number]> = {
  '1': [697, 1209],
  '2': [697, 1336],
  '3': [697, 1477],
  A: [697, 1633],
  '4': [770, 1209],
  '5': [770, 1336],
  '6': [770, 1477],
  B: [770, 1633],
  '7': [852, 1209],
  '8': [852, 1336],
  '9': [852, 1477],
  C: [852, 1633],
  '*': [941, 1209],
  '0': [941, 1336],
  '#': [941, 1477],
  D: [941, 1633],
};

export interface TonePcapOptions {
  /** Digits to send, each as a tone burst followed by silence. */
  digits: string;
  toneMs?: number;
  gapMs?: number;
  /** Silence before the first digit (the far end may still be starting its media). */
  leadMs?: number;
  /** Peak amplitude of each sine, 0..1 of full scale. Default 0.25 (about -15 dBFS per tone). */
  level?: number;
}

/** ITU-T G.711 µ-law encoding of one 16-bit linear sample. */
export function linearToUlaw(sample: number): number {
  const BIAS = 0x84;
  const CLIP = 32635;
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  s = Math.min(s, CLIP) + BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** The 8 kHz signal: lead silence, then per digit its tone pair and a gap. */
export function dtmfSamples(options: TonePcapOptions): Float64Array {
  const toneMs = options.toneMs ?? 120;
  const gapMs = options.gapMs ?? 120;
  const leadMs = options.leadMs ?? 200;
  const level = (options.level ?? 0.25) * 32767;
  const perMs = RATE / 1000;
  const total = (leadMs + options.digits.length * (toneMs + gapMs)) * perMs;
  const out = new Float64Array(Math.ceil(total / SAMPLES) * SAMPLES);
  let at = leadMs * perMs;
  for (const d of options.digits) {
    const pair = TONES[d.toUpperCase()];
    if (!pair) throw new Error(`not a DTMF digit: ${JSON.stringify(d)}`);
    for (let i = 0; i < toneMs * perMs; i++) {
      const t = i / RATE;
      out[at + i] = level * (Math.sin(2 * Math.PI * pair[0] * t) + Math.sin(2 * Math.PI * pair[1] * t));
    }
    at += (toneMs + gapMs) * perMs;
  }
  return out;
}

/** Writes the pcap (Ethernet / IPv4 / UDP / RTP PT 0, 20 ms packets) and returns the packet count. */
export async function writeDtmfTonePcap(path: string, options: TonePcapOptions): Promise<number> {
  const samples = dtmfSamples(options);
  const packets: Buffer[] = [];
  const ssrc = 0x1234abcd;
  for (let n = 0; n * SAMPLES < samples.length; n++) {
    const rtp = Buffer.alloc(12 + SAMPLES);
    rtp[0] = 0x80;
    rtp[1] = n === 0 ? 0x80 : 0x00; // marker on the first packet, payload type 0 (PCMU)
    rtp.writeUInt16BE(n & 0xffff, 2);
    rtp.writeUInt32BE((n * SAMPLES) >>> 0, 4);
    rtp.writeUInt32BE(ssrc, 8);
    for (let i = 0; i < SAMPLES; i++) rtp[12 + i] = linearToUlaw(samples[n * SAMPLES + i] ?? 0);
    packets.push(frame(rtp, n * PTIME_MS));
  }
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  await writeFile(path, Buffer.concat([header, ...packets]));
  return packets.length;
}

function frame(payload: Buffer, atMs: number): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(6000, 0);
  udp.writeUInt16BE(6002, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17; // UDP
  Buffer.from([127, 0, 0, 1]).copy(ip, 12);
  Buffer.from([127, 0, 0, 1]).copy(ip, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const data = Buffer.concat([eth, ip, udp, payload]);
  const record = Buffer.alloc(16);
  record.writeUInt32LE(Math.floor(atMs / 1000), 0);
  record.writeUInt32LE((atMs % 1000) * 1000, 4);
  record.writeUInt32LE(data.length, 8);
  record.writeUInt32LE(data.length, 12);
  return Buffer.concat([record, data]);
}
