import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandBody } from '../../../cloud-sync/protocol/messages.ts';
import {
  CLOCK_SKEW_MS,
  exportPrivateKey,
  exportPublicKey,
  generateSigningKeys,
  importPrivateKey,
  importPublicKey,
  type SigningKey,
  signCommand,
  toBase64Url,
  type VerifiedCommand,
  verifyCommand,
} from '../../../cloud-sync/protocol/signing.ts';

const T = 1_760_000_000_000;
const DEVICE = 'panel-1';

const body: CommandBody = {
  nonce: 'n-0123456789abcdef',
  deviceId: DEVICE,
  issuedAt: T,
  expiresAt: T + 30_000,
  command: {
    type: 'door.open',
    doorId: 'front',
    onBehalfOf: { kind: 'resident', id: 'r1' },
    reason: 'opened from the app',
  },
};

let keys: { privateKey: SigningKey; publicKey: SigningKey };
let otherKeys: { privateKey: SigningKey; publicKey: SigningKey };

beforeAll(async () => {
  keys = await generateSigningKeys();
  otherKeys = await generateSigningKeys();
});

const at = (now: number) => ({ deviceId: DEVICE, now });

/** Signs arbitrary bytes the way signCommand does, to build envelopes signCommand would refuse to make. */
async function signBytes(data: Uint8Array): Promise<{ protocol: 1; body: string; signature: string }> {
  const bytes = new Uint8Array(data);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, keys.privateKey, bytes));
  return { protocol: 1, body: toBase64Url(bytes), signature: toBase64Url(signature) };
}

function refused(result: VerifiedCommand): string {
  expect(result.ok).toBe(false);
  if (result.ok) return 'ok';
  expect(result.detail).toEqual(expect.any(String));
  return result.reason;
}

describe('signCommand / verifyCommand', () => {
  it('verifies what it signed', async () => {
    const message = await signCommand(keys.privateKey, body);
    expect(message.protocol).toBe(1);
    expect(message.signature).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(await verifyCommand(keys.publicKey, message, at(T))).toEqual({ ok: true, body });
  });

  it('applies command defaults before signing', async () => {
    const message = await signCommand(keys.privateKey, { ...body, command: { type: 'identify' } as never });
    const result = await verifyCommand(keys.publicKey, message, at(T));
    expect(result.ok && result.body.command).toEqual({ type: 'identify', durationS: 10 });
  });

  it('refuses to sign an invalid body', async () => {
    await expect(signCommand(keys.privateKey, { ...body, expiresAt: T + 120_000 })).rejects.toThrow(/60 s/);
  });

  it('refuses a tampered body', async () => {
    const message = await signCommand(keys.privateKey, body);
    const forged = { ...body, command: { ...body.command, doorId: 'back' } };
    const tampered = { ...message, body: Buffer.from(JSON.stringify(forged)).toString('base64url') };
    expect(refused(await verifyCommand(keys.publicKey, tampered, at(T)))).toBe('bad_signature');
  });

  it('refuses a tampered signature', async () => {
    const message = await signCommand(keys.privateKey, body);
    const first = message.signature[0] === 'A' ? 'B' : 'A';
    const tampered = { ...message, signature: first + message.signature.slice(1) };
    expect(refused(await verifyCommand(keys.publicKey, tampered, at(T)))).toBe('bad_signature');
  });

  it('refuses a command signed by another key', async () => {
    const message = await signCommand(otherKeys.privateKey, body);
    expect(refused(await verifyCommand(keys.publicKey, message, at(T)))).toBe('bad_signature');
  });

  it('refuses an expired command (now ≥ expiresAt)', async () => {
    const message = await signCommand(keys.privateKey, body);
    expect((await verifyCommand(keys.publicKey, message, at(body.expiresAt - 1))).ok).toBe(true);
    expect(refused(await verifyCommand(keys.publicKey, message, at(body.expiresAt)))).toBe('expired');
    expect(refused(await verifyCommand(keys.publicKey, message, at(body.expiresAt + 86_400_000)))).toBe(
      'expired',
    );
  });

  it('refuses a command issued more than the clock skew in the future', async () => {
    const message = await signCommand(keys.privateKey, body);
    expect((await verifyCommand(keys.publicKey, message, at(T - CLOCK_SKEW_MS))).ok).toBe(true);
    expect(refused(await verifyCommand(keys.publicKey, message, at(T - CLOCK_SKEW_MS - 1)))).toBe(
      'not_yet_valid',
    );
  });

  it('refuses a command for another device', async () => {
    const message = await signCommand(keys.privateKey, { ...body, deviceId: 'panel-2' });
    const result = await verifyCommand(keys.publicKey, message, at(T));
    expect(refused(result)).toBe('wrong_device');
    expect(!result.ok && result.detail).toContain('panel-2');
  });

  it('calls garbage envelopes malformed and never throws', async () => {
    const good = await signCommand(keys.privateKey, body);
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      'a string',
      [],
      [good],
      {},
      { ...good, protocol: 2 },
      { ...good, extra: 1 },
      { protocol: 1, body: good.body },
      { protocol: 1, signature: good.signature },
      { ...good, body: '' },
      { ...good, body: 'not base64url!' },
      { ...good, body: `${good.body}==` },
      { ...good, body: 'A' }, // base64url alphabet, but no whole byte
      { ...good, body: 42 },
      { ...good, signature: good.signature.slice(1) },
      { ...good, signature: `${good.signature}A` },
      { ...good, signature: `${good.signature.slice(1)}+` },
      { ...good, signature: '' },
      { ...good, signature: null },
    ];
    for (const message of garbage) {
      expect(refused(await verifyCommand(keys.publicKey, message, at(T))), JSON.stringify(message)).toBe(
        'malformed',
      );
    }
  });

  it('calls a correctly signed body that is not JSON malformed', async () => {
    for (const bytes of [
      new TextEncoder().encode('not json'),
      new TextEncoder().encode('{"nonce":'),
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), // not UTF-8
    ]) {
      const message = await signBytes(bytes);
      const result = await verifyCommand(keys.publicKey, message, at(T));
      expect(refused(result)).toBe('malformed');
      expect(!result.ok && result.detail).toBe('signed body is not JSON');
    }
  });

  it('calls a correctly signed JSON body that fails the body schema malformed, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...body, expiresAt: T + 120_000 }, 'expiresAt'],
      [{ ...body, nonce: 'short' }, 'nonce'],
      [{ ...body, command: { type: 'self.destruct' } }, 'command'],
      [{ ...body, extra: true }, ''],
      [[body], ''],
      [null, ''],
    ];
    for (const [json, field] of cases) {
      const message = await signBytes(new TextEncoder().encode(JSON.stringify(json)));
      const result = await verifyCommand(keys.publicKey, message, at(T));
      expect(refused(result)).toBe('malformed');
      if (field) expect(!result.ok && result.detail).toMatch(new RegExp(`^${field}`));
    }
  });

  it('never throws for arbitrary input', async () => {
    const good = await signCommand(keys.privateKey, body);
    const b64url = (min: number, max: number) =>
      fc.string({
        unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
        minLength: min,
        maxLength: max,
      });
    const envelope = fc.record({
      protocol: fc.oneof(fc.constant(1), fc.jsonValue()),
      body: fc.oneof(fc.constant(good.body), b64url(1, 200), fc.string(), fc.jsonValue()),
      signature: fc.oneof(fc.constant(good.signature), b64url(86, 86), fc.string(), fc.jsonValue()),
    });
    const signedJson = fc.jsonValue().map((json) => new TextEncoder().encode(JSON.stringify(json)));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), envelope, signedJson), fc.integer(), async (input, now) => {
        const message = input instanceof Uint8Array ? await signBytes(input) : input;
        const result = await verifyCommand(keys.publicKey, message, { deviceId: DEVICE, now });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('key import and export', () => {
  it('round-trips a public key', async () => {
    const exported = await exportPublicKey(keys.publicKey);
    expect(exported).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const imported = await importPublicKey(exported);
    expect(await exportPublicKey(imported)).toBe(exported);
    const message = await signCommand(keys.privateKey, body);
    expect((await verifyCommand(imported, message, at(T))).ok).toBe(true);
  });

  it('round-trips a private key', async () => {
    const imported = await importPrivateKey(await exportPrivateKey(keys.privateKey));
    const message = await signCommand(imported, body);
    expect((await verifyCommand(keys.publicKey, message, at(T))).ok).toBe(true);
  });

  it('refuses a public key that is not 32 bytes of base64url, clearly', async () => {
    const exported = await exportPublicKey(keys.publicKey);
    const message = /an Ed25519 public key is 32 bytes of base64url/;
    await expect(importPublicKey(toBase64Url(new Uint8Array(31).fill(7)))).rejects.toThrow(message);
    await expect(importPublicKey(toBase64Url(new Uint8Array(33).fill(7)))).rejects.toThrow(message);
    await expect(importPublicKey('')).rejects.toThrow(message);
    await expect(importPublicKey(`${exported.slice(0, -1)}+`)).rejects.toThrow(message);
    await expect(importPublicKey(`${exported}=`)).rejects.toThrow(message);
  });

  it('refuses a private key that is not base64url', async () => {
    await expect(importPrivateKey('not base64url!')).rejects.toThrow(/not base64url/);
  });
});
