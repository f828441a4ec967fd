/**
 * DESFire native commands wrapped in ISO/IEC 7816-4 APDUs, as every PC/SC reader and phone passes them:
 * CLA 0x90, INS = native command code, P1 P2 = 00 00, Lc, data, Le = 00; the answer is data ‖ 91 xx where
 * xx is the native status (00 OK, AF more frames). Responses are bounded: card data is attacker-controlled.
 */
import { type CardChannel, CardProtocolError } from '../card-channel.ts';

export const DESFIRE_CLA = 0x90;
export const ADDITIONAL_FRAME = 0xaf;

/** Native status codes the host acts on (DESFire datasheets, "status and error codes"). */
export const DesfireStatus = {
  OK: 0x00,
  NO_CHANGES: 0x0c,
  LENGTH_ERROR: 0x7e,
  PERMISSION_DENIED: 0x9d,
  PARAMETER_ERROR: 0x9e,
  APPLICATION_NOT_FOUND: 0xa0,
  AUTHENTICATION_ERROR: 0xae,
  ADDITIONAL_FRAME: 0xaf,
  BOUNDARY_ERROR: 0xbe,
  INTEGRITY_ERROR: 0x1e,
  NO_SUCH_KEY: 0x40,
  DUPLICATE_ERROR: 0xde,
  FILE_NOT_FOUND: 0xf0,
} as const;

/** A 91 xx answer other than the one expected; `status` lets callers tell "app missing" from errors. */
export class DesfireStatusError extends CardProtocolError {
  readonly status: number;
  constructor(command: number, status: number) {
    super(`DESFire command ${hex(command)} failed with status 91${hex(status)}`);
    this.status = status;
  }
}

export interface NativeResponse {
  status: number;
  data: Buffer;
}

/** Largest data a native command may carry in one short APDU (Lc is one byte). */
export const MAX_COMMAND_DATA = 255;
/** Bound on all frames of one answer: credential files are small, anything bigger is hostile. */
export const MAX_RESPONSE_DATA = 512;
/** Bound on the frames of one answer (GetVersion has 3; a credential read 1). */
export const MAX_FRAMES = 8;

export function wrapNative(command: number, data: Buffer = Buffer.alloc(0)): Buffer {
  if (data.length > MAX_COMMAND_DATA)
    throw new RangeError(`command data of ${data.length} bytes is too long`);
  const header = Buffer.from([DESFIRE_CLA, command, 0x00, 0x00]);
  if (data.length === 0) return Buffer.concat([header, Buffer.from([0x00])]);
  return Buffer.concat([header, Buffer.from([data.length]), data, Buffer.from([0x00])]);
}

/** One native exchange: no chaining. Throws CardProtocolError on a malformed answer. */
export async function exchange(
  channel: CardChannel,
  command: number,
  data?: Buffer,
): Promise<NativeResponse> {
  const response = await channel.transmit(wrapNative(command, data));
  if (response.length < 2)
    throw new CardProtocolError(`DESFire ${hex(command)}: answer shorter than SW1 SW2`);
  if (response.length - 2 > MAX_RESPONSE_DATA)
    throw new CardProtocolError(`DESFire ${hex(command)}: answer too long`);
  const sw1 = response[response.length - 2]!;
  const status = response[response.length - 1]!;
  if (sw1 !== 0x91) throw new CardProtocolError(`DESFire ${hex(command)}: SW1 ${hex(sw1)} is not 91`);
  return { status, data: Buffer.from(response.subarray(0, -2)) };
}

/**
 * A command whose answer may span frames (91 AF → send AF for the next one). Returns the joined data
 * and the final status; stops at MAX_RESPONSE_DATA so a card cannot keep the reader busy forever.
 */
export async function exchangeChained(
  channel: CardChannel,
  command: number,
  data?: Buffer,
): Promise<NativeResponse> {
  let frame = await exchange(channel, command, data);
  const parts = [frame.data];
  let total = frame.data.length;
  let frames = 1;
  while (frame.status === ADDITIONAL_FRAME) {
    // Bounded by count too: a card answering empty 91 AF frames forever must not hold the reader.
    if (++frames > MAX_FRAMES)
      throw new CardProtocolError(`DESFire ${hex(command)}: more than ${MAX_FRAMES} frames`);
    frame = await exchange(channel, ADDITIONAL_FRAME);
    total += frame.data.length;
    if (total > MAX_RESPONSE_DATA)
      throw new CardProtocolError(`DESFire ${hex(command)}: chained answer too long`);
    parts.push(frame.data);
  }
  return { status: frame.status, data: Buffer.concat(parts) };
}

/** Throws DesfireStatusError unless the status is OK. */
export function expectOk(command: number, response: NativeResponse): Buffer {
  if (response.status !== DesfireStatus.OK) throw new DesfireStatusError(command, response.status);
  return response.data;
}

/** 24-bit little-endian (AIDs, file offsets and lengths). */
export function le24(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffff) throw new RangeError('not a 24-bit value');
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}
