import { describe, expect, it } from 'vitest';
import { createUidHash, uidHashFromConfig } from '../../../device/access/uid-hash.ts';

describe('uid hash', () => {
  it('is a stable 16-hex-char keyed hash that does not contain the UID', () => {
    const hash = createUidHash('0123456789abcdef-key');
    expect(hash('04A1B2C3')).toMatch(/^[0-9a-f]{16}$/);
    expect(hash('04A1B2C3')).toBe(hash('04A1B2C3'));
    expect(hash('04A1B2C3')).not.toBe(hash('04A1B2C4'));
    expect(hash('04A1B2C3')).not.toContain('04a1b2c3');
  });

  it('depends on the key; without a configured key each start picks its own', () => {
    expect(createUidHash('key-one-0123456789')('04A1B2C3')).not.toBe(
      createUidHash('key-two-0123456789')('04A1B2C3'),
    );
    expect(uidHashFromConfig({ log: {} })('04A1B2C3')).not.toBe(uidHashFromConfig({ log: {} })('04A1B2C3'));
    const key = 'configured-key-0123456789';
    expect(uidHashFromConfig({ log: { uidHashKey: key } })('04A1B2C3')).toBe(createUidHash(key)('04A1B2C3'));
  });
});
