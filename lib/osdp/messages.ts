/**
 * Payload codecs of the commands and replies portvakt uses (OSDP v2.2 §6-7). Decoders take bytes from
 * the bus, so each checks the length it needs and throws OsdpPayloadError instead of reading past it.
 */
import { OsdpPayloadError } from './errors.ts';

// ---- LED (§6.10): 14-byte records; one record per command here.
export const OsdpLedColor = { BLACK: 0, RED: 1, GREEN: 2, AMBER: 3, BLUE: 4 } as const;

export interface OsdpLedCommand {
  reader: number;
  led: number;
  /** Temporary pattern: on/off times in 100 ms units, colours, duration in 100 ms units. */
  temporary?: { onTime: number; offTime: number; onColor: number; offColor: number; timer: number };
  /** Permanent state the LED returns to. */
  permanent?: { onTime: number; offTime: number; onColor: number; offColor: number };
}

export function encodeLed(cmd: OsdpLedCommand): Buffer {
  const t = cmd.temporary;
  const p = cmd.permanent;
  const out = Buffer.alloc(14);
  out[0] = cmd.reader;
  out[1] = cmd.led;
  // Control code 2 = set the temporary state and start its timer; 1 = set the permanent state; 0 = no change.
  out[2] = t ? 2 : 0;
  out[3] = t?.onTime ?? 0;
  out[4] = t?.offTime ?? 0;
  out[5] = t?.onColor ?? 0;
  out[6] = t?.offColor ?? 0;
  out.writeUInt16LE(t?.timer ?? 0, 7);
  out[9] = p ? 1 : 0;
  out[10] = p?.onTime ?? 0;
  out[11] = p?.offTime ?? 0;
  out[12] = p?.onColor ?? 0;
  out[13] = p?.offColor ?? 0;
  return out;
}

export function decodeLed(data: Buffer): OsdpLedCommand[] {
  if (data.length === 0 || data.length % 14 !== 0)
    throw new OsdpPayloadError(`LED data is ${data.length} bytes; records are 14 bytes each`);
  const out: OsdpLedCommand[] = [];
  for (let at = 0; at < data.length; at += 14) {
    const r = data.subarray(at, at + 14);
    out.push({
      reader: r[0]!,
      led: r[1]!,
      ...(r[2] === 2
        ? {
            temporary: {
              onTime: r[3]!,
              offTime: r[4]!,
              onColor: r[5]!,
              offColor: r[6]!,
              timer: r.readUInt16LE(7),
            },
          }
        : {}),
      ...(r[9] === 1
        ? { permanent: { onTime: r[10]!, offTime: r[11]!, onColor: r[12]!, offColor: r[13]! } }
        : {}),
    });
  }
  return out;
}

// ---- BUZ (§6.11)
export interface OsdpBuzzerCommand {
  reader: number;
  /** 0 none, 1 off, 2 default tone. */
  tone: number;
  /** 100 ms units. */
  onTime: number;
  offTime: number;
  /** 0 = forever. */
  count: number;
}

export function encodeBuzzer(cmd: OsdpBuzzerCommand): Buffer {
  return Buffer.from([cmd.reader, cmd.tone, cmd.onTime, cmd.offTime, cmd.count]);
}

export function decodeBuzzer(data: Buffer): OsdpBuzzerCommand {
  need(data, 5, 'BUZ', true);
  return { reader: data[0]!, tone: data[1]!, onTime: data[2]!, offTime: data[3]!, count: data[4]! };
}

// ---- COMSET (§6.13) / COM reply (§7.13)
export interface OsdpComSettings {
  address: number;
  baud: number;
}

export function encodeComSet(s: OsdpComSettings): Buffer {
  const out = Buffer.alloc(5);
  out[0] = s.address;
  out.writeUInt32LE(s.baud, 1);
  return out;
}

export function decodeComSet(data: Buffer): OsdpComSettings {
  need(data, 5, 'COMSET/COM', true);
  return { address: data[0]!, baud: data.readUInt32LE(1) };
}

// ---- KEYSET (§6.15): key type 1 = SCBK, then the key's length and the key.
export function encodeKeySet(scbk: Buffer): Buffer {
  if (scbk.length !== 16) throw new RangeError('an SCBK is 16 bytes');
  return Buffer.concat([Buffer.from([0x01, 16]), scbk]);
}

export function decodeKeySet(data: Buffer): Buffer {
  need(data, 2, 'KEYSET');
  if (data[0] !== 0x01) throw new OsdpPayloadError(`KEYSET key type ${data[0]} is not 1 (SCBK)`);
  if (data[1] !== 16 || data.length !== 18) throw new OsdpPayloadError('KEYSET must carry one 16-byte key');
  return Buffer.from(data.subarray(2));
}

// ---- NAK (§7.3)
export function decodeNak(data: Buffer): { reason: number } {
  need(data, 1, 'NAK');
  return { reason: data[0]! };
}

// ---- PDID (§7.4)
export interface OsdpPdId {
  /** IEEE OUI, 3 bytes hex. */
  vendor: string;
  model: number;
  version: number;
  serial: number;
  firmware: string;
}

export function encodePdId(id: OsdpPdId): Buffer {
  const out = Buffer.alloc(12);
  Buffer.from(id.vendor, 'hex').copy(out, 0, 0, 3);
  out[3] = id.model;
  out[4] = id.version;
  out.writeUInt32LE(id.serial, 5);
  const fw = id.firmware.split('.').map((n) => Number(n) & 0xff);
  out[9] = fw[0] ?? 0;
  out[10] = fw[1] ?? 0;
  out[11] = fw[2] ?? 0;
  return out;
}

export function decodePdId(data: Buffer): OsdpPdId {
  need(data, 12, 'PDID', true);
  return {
    vendor: data.subarray(0, 3).toString('hex').toUpperCase(),
    model: data[3]!,
    version: data[4]!,
    serial: data.readUInt32LE(5),
    firmware: `${data[9]}.${data[10]}.${data[11]}`,
  };
}

// ---- PDCAP (§7.5): 3-byte records (function code, compliance level, number of).
export interface OsdpCapability {
  fn: number;
  compliance: number;
  count: number;
}

export function encodePdCap(caps: readonly OsdpCapability[]): Buffer {
  return Buffer.from(caps.flatMap((c) => [c.fn, c.compliance, c.count]));
}

export function decodePdCap(data: Buffer): OsdpCapability[] {
  if (data.length % 3 !== 0) throw new OsdpPayloadError(`PDCAP data is ${data.length} bytes; records are 3`);
  const out: OsdpCapability[] = [];
  for (let at = 0; at < data.length; at += 3)
    out.push({ fn: data[at]!, compliance: data[at + 1]!, count: data[at + 2]! });
  return out;
}

// ---- LSTATR (§7.6)
export interface OsdpLocalStatus {
  tamper: boolean;
  powerFailure: boolean;
}

export function encodeLocalStatus(s: OsdpLocalStatus): Buffer {
  return Buffer.from([s.tamper ? 1 : 0, s.powerFailure ? 1 : 0]);
}

export function decodeLocalStatus(data: Buffer): OsdpLocalStatus {
  need(data, 2, 'LSTATR', true);
  return { tamper: data[0] !== 0, powerFailure: data[1] !== 0 };
}

// ---- RAW card data (§7.10): reader, format (0 unspecified, 1 Wiegand), bit count, bits MSB first.
export interface OsdpRawCard {
  reader: number;
  format: number;
  bits: number;
  data: Buffer;
}

export const OSDP_MAX_CARD_BITS = 1024;

export function encodeRawCard(card: OsdpRawCard): Buffer {
  const head = Buffer.alloc(4);
  head[0] = card.reader;
  head[1] = card.format;
  head.writeUInt16LE(card.bits, 2);
  return Buffer.concat([head, card.data]);
}

export function decodeRawCard(data: Buffer): OsdpRawCard {
  need(data, 4, 'RAW');
  const bits = data.readUInt16LE(2);
  if (bits === 0 || bits > OSDP_MAX_CARD_BITS)
    throw new OsdpPayloadError(`RAW bit count ${bits} is outside 1-${OSDP_MAX_CARD_BITS}`);
  const bytes = Math.ceil(bits / 8);
  if (data.length !== 4 + bytes)
    throw new OsdpPayloadError(`RAW says ${bits} bits (${bytes} bytes) but carries ${data.length - 4} bytes`);
  return { reader: data[0]!, format: data[1]!, bits, data: Buffer.from(data.subarray(4)) };
}

// ---- KEYPPAD (§7.12): reader, digit count, ASCII digits ('0'-'9', 0x7F = '*', 0x0D = '#').
export interface OsdpKeypad {
  reader: number;
  keys: string;
}

export function encodeKeypad(k: OsdpKeypad): Buffer {
  const bytes = [...k.keys].map((c) => (c === '*' ? 0x7f : c === '#' ? 0x0d : c.charCodeAt(0)));
  return Buffer.from([k.reader, bytes.length, ...bytes]);
}

export function decodeKeypad(data: Buffer): OsdpKeypad {
  need(data, 2, 'KEYPPAD');
  const count = data[1]!;
  if (data.length !== 2 + count)
    throw new OsdpPayloadError(`KEYPPAD says ${count} keys but carries ${data.length - 2}`);
  let keys = '';
  for (const b of data.subarray(2)) {
    if (b >= 0x30 && b <= 0x39) keys += String.fromCharCode(b);
    else if (b === 0x7f) keys += '*';
    else if (b === 0x0d) keys += '#';
    else throw new OsdpPayloadError(`KEYPPAD key 0x${b.toString(16)} is not a digit, * or #`);
  }
  return { reader: data[0]!, keys };
}

function need(data: Buffer, length: number, what: string, exact = false): void {
  if (data.length < length || (exact && data.length !== length))
    throw new OsdpPayloadError(
      `${what} data is ${data.length} bytes; it needs ${exact ? '' : 'at least '}${length}`,
    );
}
