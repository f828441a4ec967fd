import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711, s16leToSamples } from '../../../device/phone/media/g711.ts';
import { DtmfDetector } from '../../../device/phone/media/goertzel.ts';
import { PromptError, PromptMaker } from '../../../device/phone/media/prompt.ts';
import type { DtmfSymbol } from '../../../device/phone/types.ts';
import { ValidationError } from '../../../lib/errors.ts';
import { tempDir } from '../../support/temp-dir.ts';

const dir = tempDir('portvakt-prompt-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TEXT = 'Visitor at Storgatan 12. Press 5 to open.';

describe('phone prompt (espeak-ng → GStreamer → 8 kHz S16LE)', () => {
  it('speaks the text, caches it by (text, voice), and contains no DTMF', async () => {
    const maker = new PromptMaker({ cacheDir: dir });
    const prompt = await maker.make({ text: TEXT, voice: 'en' });
    // Seconds of speech at 16000 bytes per second, and not silence.
    expect(prompt.pcm.length).toBeGreaterThan(16000);
    const samples = s16leToSamples(prompt.pcm);
    expect(Math.max(...samples.map(Math.abs))).toBeGreaterThan(3000);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(statSync(join(dir, files[0]!)).mode & 0o077).toBe(0);
    // From the cache: a maker whose espeak-ng does not exist still has it.
    const cached = await new PromptMaker({ cacheDir: dir, espeak: '/nonexistent/espeak-ng' }).make({
      text: TEXT,
      voice: 'en',
    });
    expect(cached.pcm.equals(prompt.pcm)).toBe(true);

    const digits: DtmfSymbol[] = [];
    const detector = new DtmfDetector((d) => digits.push(d));
    detector.push(samples);
    for (const codec of ['pcmu', 'pcma'] as const)
      detector.push(decodeG711(codec, encodeG711(codec, samples)));
    expect(digits).toEqual([]);
  });

  it('speaks Norwegian and Swedish too, each its own cache entry; no DTMF in either', async () => {
    const maker = new PromptMaker({ cacheDir: dir });
    for (const [voice, text] of [
      ['nb', 'Besøkende ved Storgata 12. Trykk 5 for å åpne.'],
      ['sv', 'Besökare vid Storgatan 12. Tryck 5 för att öppna.'],
    ] as const) {
      const { pcm } = await maker.make({ text, voice });
      expect(pcm.length).toBeGreaterThan(16000);
      const digits: DtmfSymbol[] = [];
      new DtmfDetector((d) => digits.push(d)).push(s16leToSamples(pcm));
      expect(digits, voice).toEqual([]);
    }
  });

  it('refuses bad text and voices before running anything, and says clearly when espeak-ng fails', async () => {
    const maker = new PromptMaker({ cacheDir: dir });
    await expect(maker.make({ text: 'x'.repeat(201), voice: 'en' })).rejects.toThrow(ValidationError);
    await expect(maker.make({ text: '  ', voice: 'en' })).rejects.toThrow(ValidationError);
    await expect(maker.make({ text: 'a\u0007b', voice: 'en' })).rejects.toThrow(/control characters/);
    await expect(maker.make({ text: 'hello', voice: '--path=/etc' })).rejects.toThrow(/voice/);
    // Text that looks like an option is only text (it goes on stdin).
    await expect(maker.make({ text: '--version', voice: 'en' })).resolves.toHaveProperty('pcm');
    const missing = new PromptMaker({ cacheDir: dir, espeak: '/nonexistent/espeak-ng' });
    await expect(missing.make({ text: 'hello', voice: 'en' })).rejects.toThrow(/not installed/);
    await expect(missing.make({ text: 'hello', voice: 'en' })).rejects.toThrow(PromptError);
    await expect(maker.make({ text: 'hello', voice: 'zz' })).rejects.toThrow(/failed for voice "zz"/);
  });
});
