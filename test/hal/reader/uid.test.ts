import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeAtr, normalizeUid } from '../../../hal/reader/uid.ts';
import { ValidationError } from '../../../lib/errors.ts';

const MIFARE_ATR = '3B8F8001804F0CA000000306030001000000006A';

function rejects(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(ValidationError);
  expect(fn).toThrow(message);
}

/** Byte arrays that are valid UIDs: 4, 7 or 10 bytes, not all zero, no cascade tag at a level start. */
const validUidBytes = fc
  .constantFrom(4, 7, 10)
  .chain((n) => fc.uint8Array({ minLength: n, maxLength: n }))
  .filter((b) => b.some((x) => x !== 0) && b[{ 4: 0, 7: 3, 10: 6 }[b.length]!] !== 0x88);

/** One way a human or a reader tool might write the same bytes. */
const formatting = fc.record({
  separator: fc.constantFrom('', ':', '-', ' ', ' : '),
  upper: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  pad: fc.constantFrom('', ' ', '\t', '  '),
});

describe('normalizeUid', () => {
  it('accepts 4, 7 and 10 byte UIDs in common notations', () => {
    expect(normalizeUid('04a2b3c4')).toBe('04A2B3C4');
    expect(normalizeUid('04:A2:B3:C4:D5:E6:F7')).toBe('04A2B3C4D5E6F7');
    expect(normalizeUid('04-a2-b3-c4-d5-e6-f7')).toBe('04A2B3C4D5E6F7');
    expect(normalizeUid(' 04 a2 b3 c4 d5 e6 f7 01 02 03 ')).toBe('04A2B3C4D5E6F7010203');
    expect(normalizeUid(Buffer.from([0xde, 0xad, 0xbe, 0xef]))).toBe('DEADBEEF');
  });

  it('says what is wrong', () => {
    rejects(() => normalizeUid(''), /empty/);
    rejects(() => normalizeUid(' : - '), /empty/);
    rejects(() => normalizeUid(Buffer.alloc(0)), /empty/);
    rejects(() => normalizeUid('04A2B3C'), /odd number of hex digits \(7\)/);
    rejects(() => normalizeUid('04A2G3C4'), /non-hex character "G" at position 5/);
    rejects(() => normalizeUid('0x04A2B3C4'), /non-hex character "x" at position 2/);
    rejects(() => normalizeUid('04A2B3'), /wrong length: 3 bytes/);
    rejects(() => normalizeUid('04A2B3C4D5'), /wrong length: 5 bytes/);
    rejects(() => normalizeUid(Buffer.alloc(11, 1)), /wrong length: 11 bytes/);
    rejects(() => normalizeUid('00000000'), /all zeros/);
    rejects(() => normalizeUid('00:00:00:00:00:00:00'), /all zeros/);
  });

  it('rejects the cascade tag where a UID level starts, and only there', () => {
    rejects(() => normalizeUid('88A2B3C4'), /cascade tag/);
    rejects(() => normalizeUid('04A2B388D5E6F7'), /byte 4 is the cascade tag/);
    rejects(() => normalizeUid('04A2B3C4D5E688010203'), /byte 7 is the cascade tag/);
    expect(normalizeUid('8804A2B3C4D5E6')).toBe('8804A2B3C4D5E6');
    expect(normalizeUid('04888888')).toBe('04888888');
  });

  it('accepts random (0x08) 4-byte UIDs', () => {
    expect(normalizeUid('08123456')).toBe('08123456');
  });

  it('normalizes every formatting of a valid UID to the same value', () => {
    fc.assert(
      fc.property(validUidBytes, formatting, (bytes, f) => {
        const canonical = Buffer.from(bytes).toString('hex').toUpperCase();
        const pairs = [...Buffer.from(bytes)].map((b, i) => {
          const hex = b.toString(16).padStart(2, '0');
          return f.upper[i % 20] ? hex.toUpperCase() : hex.toLowerCase();
        });
        const written = f.pad + pairs.join(f.separator) + f.pad;
        expect(normalizeUid(written)).toBe(canonical);
        expect(normalizeUid(Buffer.from(bytes))).toBe(canonical);
        expect(normalizeUid(normalizeUid(written))).toBe(canonical);
      }),
    );
  });

  it('throws nothing but ValidationError for arbitrary input', () => {
    const input = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxX:- \t') }),
      fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(input, (value) => {
        try {
          const uid = normalizeUid(value);
          expect(uid).toMatch(/^([0-9A-F]{2}){4}$|^([0-9A-F]{2}){7}$|^([0-9A-F]{2}){10}$/);
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('normalizeAtr', () => {
  it('accepts real ATRs', () => {
    expect(normalizeAtr(MIFARE_ATR.toLowerCase())).toBe(MIFARE_ATR);
    expect(normalizeAtr('3b:8f:80:01:80:4f:0c:a0:00:00:03:06:03:00:01:00:00:00:00:6a')).toBe(MIFARE_ATR);
    // DESFire EV1 through a PC/SC contactless reader; an ATR without TCK; the shortest ATR.
    expect(normalizeAtr('3B8180018080')).toBe('3B8180018080');
    expect(normalizeAtr('3B0265A4')).toBe('3B0265A4');
    expect(normalizeAtr('3B00')).toBe('3B00');
    expect(normalizeAtr(Buffer.from('3F00', 'hex'))).toBe('3F00');
  });

  it('rejects garbage ATRs with the reason', () => {
    rejects(() => normalizeAtr(''), /empty/);
    rejects(() => normalizeAtr('3B'), /wrong length: 1 bytes/);
    rejects(() => normalizeAtr(`3B${'00'.repeat(33)}`), /wrong length: 34 bytes/);
    rejects(() => normalizeAtr('6A81'), /first byte must be 3B or 3F/);
    rejects(() => normalizeAtr('3B8F8001'), /malformed/);
    rejects(() => normalizeAtr(`${MIFARE_ATR}0000`), /malformed/);
    rejects(() => normalizeAtr('3B 8'), /odd number/);
    rejects(() => normalizeAtr('3B ZZ'), /non-hex character "Z" at position 4/);
  });

  it('rejects random byte strings that do not start with a TS byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 2, maxLength: 33 }).filter((b) => b[0] !== 0x3b && b[0] !== 0x3f),
        (bytes) => {
          expect(() => normalizeAtr(Buffer.from(bytes))).toThrow(ValidationError);
        },
      ),
    );
  });

  it('throws nothing but ValidationError for arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
        ),
        (value) => {
          try {
            expect(normalizeAtr(value)).toMatch(/^(3B|3F)([0-9A-F]{2})+$/);
          } catch (err) {
            expect(err).toBeInstanceOf(ValidationError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
