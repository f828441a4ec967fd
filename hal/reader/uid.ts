/**
 * Validation of card identifiers coming from readers, config and the simulator API. Every source goes
 * through here so a malformed UID is rejected the same way whether a reader, an operator or a test sent it.
 *
 * UID rules (ISO/IEC 14443-3 anticollision):
 *  - only single (4), double (7) and triple (10) size UIDs exist;
 *  - all-zero is rejected: it is what broken readers and failed reads return, never a real card;
 *  - 0x88 is the cascade tag, so it cannot be the first UID byte of the last cascade level
 *    (byte 0 of a 4-byte UID, byte 3 of a 7-byte UID, byte 6 of a 10-byte UID). A reader reporting it
 *    has mixed up the anticollision frames.
 *  - 4-byte UIDs starting with 0x08 are random IDs (they change every tap). They are accepted: the
 *    bytes are a genuine reader answer, and refusing them is an access policy, not a format question.
 */
import { ValidationError } from '../../lib/errors.ts';

const UID_SIZES = [4, 7, 10] as const;
const CASCADE_TAG = 0x88;
/** Index of the first byte of the last cascade level, by UID size. */
const LAST_LEVEL_START: Record<number, number> = { 4: 0, 7: 3, 10: 6 };

/** Returns the UID as upper-case hex without separators, or throws ValidationError. */
export function normalizeUid(input: string | Buffer): string {
  const bytes = parseHex(input, 'card UID');
  if (!(UID_SIZES as readonly number[]).includes(bytes.length)) {
    throw new ValidationError(
      `card UID has the wrong length: ${bytes.length} bytes (valid lengths: 4, 7 or 10 bytes)`,
    );
  }
  if (bytes.every((b) => b === 0)) throw new ValidationError('card UID is all zeros');
  const levelStart = LAST_LEVEL_START[bytes.length]!;
  if (bytes[levelStart] === CASCADE_TAG) {
    throw new ValidationError(
      `card UID byte ${levelStart + 1} is the cascade tag 0x88, which cannot start a UID level`,
    );
  }
  return bytes.toString('hex').toUpperCase();
}

/**
 * Returns the ATR as upper-case hex without separators, or throws ValidationError. Checks the ISO/IEC
 * 7816-3 shape (TS byte, interface bytes announced by T0/TDi, historical byte count, optional TCK);
 * the TCK checksum is not verified, since contactless readers synthesize the ATR and some get it wrong.
 */
export function normalizeAtr(input: string | Buffer): string {
  const bytes = parseHex(input, 'ATR');
  if (bytes.length < 2 || bytes.length > 33) {
    throw new ValidationError(`ATR has the wrong length: ${bytes.length} bytes (valid: 2 to 33 bytes)`);
  }
  const ts = bytes[0]!;
  if (ts !== 0x3b && ts !== 0x3f) {
    throw new ValidationError(`ATR starts with 0x${hexByte(ts)}; the first byte must be 3B or 3F`);
  }
  const expected = expectedAtrLength(bytes);
  if (expected === undefined || (bytes.length !== expected.withoutTck && bytes.length !== expected.withTck)) {
    const want = expected ? `${expected.withoutTck} or ${expected.withTck}` : `more than ${bytes.length}`;
    throw new ValidationError(`ATR is malformed: its interface and historical bytes need ${want} bytes`);
  }
  return bytes.toString('hex').toUpperCase();
}

function expectedAtrLength(atr: Buffer): { withoutTck: number; withTck: number } | undefined {
  const t0 = atr[1]!;
  const historical = t0 & 0x0f;
  let y = t0 >> 4;
  let index = 2;
  for (;;) {
    // TAi, TBi, TCi, TDi are present when bits 5..8 of the previous T0/TDi say so.
    const count = ((y >> 0) & 1) + ((y >> 1) & 1) + ((y >> 2) & 1) + ((y >> 3) & 1);
    index += count;
    if (!(y & 0x8)) break;
    const td = atr[index - 1];
    if (td === undefined) return undefined;
    y = td >> 4;
  }
  const withoutTck = index + historical;
  return { withoutTck, withTck: withoutTck + 1 };
}

/**
 * Hex with optional ':', '-' or whitespace separators, any case. Errors name the 1-based position of
 * the offending character in the input.
 */
function parseHex(input: string | Buffer, what: string): Buffer {
  if (Buffer.isBuffer(input)) {
    if (input.length === 0) throw new ValidationError(`${what} is empty`);
    return Buffer.from(input);
  }
  if (typeof input !== 'string') throw new ValidationError(`${what} must be a hex string`);
  let digits = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    if (/[0-9a-fA-F]/.test(ch)) digits += ch;
    else if (!/[\s:-]/.test(ch)) {
      const shown = /[\x20-\x7e]/.test(ch)
        ? `"${ch}"`
        : `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
      throw new ValidationError(`${what} has a non-hex character ${shown} at position ${i + 1}`);
    }
  }
  if (digits.length === 0) throw new ValidationError(`${what} is empty`);
  if (digits.length % 2 !== 0) {
    throw new ValidationError(
      `${what} has an odd number of hex digits (${digits.length}); bytes need 2 each`,
    );
  }
  return Buffer.from(digits, 'hex');
}

function hexByte(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}
