import { describe, expect, it } from 'vitest';
import { requestSchema } from '../../../device/media/protocol.ts';
import { MAX_PROMPT_BYTES } from '../../../device/phone/media/remote-schema.ts';

const remote = { address: '192.0.2.10', port: 40000, codec: 'pcma', telephoneEventPt: 101 };
const ok = (r: unknown) => requestSchema.safeParse(r).success;

describe('media protocol: phone leg requests', () => {
  it('accepts open, start (with PCM, a prompt file or none) and close', () => {
    expect(ok({ type: 'phone.open', callId: 'call-1' })).toBe(true);
    expect(ok({ type: 'phone.start', callId: 'call-1', remote })).toBe(true);
    expect(ok({ type: 'phone.start', callId: 'c', remote, prompt: { pcmBase64: 'AAAA' } })).toBe(true);
    expect(
      ok({ type: 'phone.start', callId: 'c', remote, prompt: { file: '/var/lib/portvakt/p-1.s16' } }),
    ).toBe(true);
    expect(ok({ type: 'phone.close', callId: 'call-1' })).toBe(true);
  });

  it('refuses bad call ids, remotes, prompts and extra keys', () => {
    expect(ok({ type: 'phone.open', callId: '../x y' })).toBe(false);
    expect(ok({ type: 'phone.open', callId: 'c', extra: 1 })).toBe(false);
    for (const bad of [
      { ...remote, address: 'sip.example.com' },
      { ...remote, port: 70000 },
      { ...remote, codec: 'opus' },
      { ...remote, telephoneEventPt: 0 },
      { ...remote, telephoneEventPt: undefined },
    ]) {
      expect(ok({ type: 'phone.start', callId: 'c', remote: bad }), JSON.stringify(bad)).toBe(false);
    }
    const prompt = (p: unknown) => ok({ type: 'phone.start', callId: 'c', remote, prompt: p });
    expect(prompt({ pcmBase64: 'not base64!' })).toBe(false);
    expect(prompt({ pcmBase64: 'A'.repeat(Math.ceil(MAX_PROMPT_BYTES / 3) * 4 + 4) })).toBe(false);
    expect(prompt({ file: 'relative/p.s16' })).toBe(false);
    expect(prompt({ file: '/var/lib/../../etc/shadow' })).toBe(false);
    expect(prompt({ file: '/tmp/a b' })).toBe(false);
    expect(prompt({ file: '/tmp/p.s16', pcmBase64: 'AAAA' })).toBe(false);
  });
});
