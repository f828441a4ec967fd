/**
 * Spoken status with the real espeak-ng: a WAV with true sizes, in each screen language; one synthesis
 * at a time with a bounded queue (a slowed espeak-ng makes the queue observable); the same text asked
 * twice at once made once; the LRU cache bounded in texts and bytes; a missing espeak-ng said clearly.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpeechError } from '../../../device/speech/child-output.ts';
import { SpeechService } from '../../../device/speech/speech-service.ts';
import { wavDurationMs, withTrueSizes } from '../../../device/speech/wav-header.ts';
import { RateLimitedError } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

/** espeak-ng itself, started only after `delayS`: the first synthesis is still running when others ask. */
function slowEspeak(delayS: number): string {
  const path = join(tempDir('portvakt-speech-'), 'espeak-ng');
  writeFileSync(path, `#!/bin/sh\nsleep ${delayS}\nexec espeak-ng "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('spoken status (espeak-ng)', () => {
  it('makes a WAV whose RIFF and data sizes are true, in every screen language', async () => {
    const speech = new SpeechService({ logger: silentLogger });
    for (const [lang, text] of [
      ['en', 'Calling Andersson. Please wait.'],
      ['nb', 'Ringer Andersson. Vennligst vent.'],
      ['sv', 'Ringer Andersson. Var god vänta.'],
    ] as const) {
      const wav = await speech.speak(lang, text);
      expect(wav.toString('ascii', 0, 4), lang).toBe('RIFF');
      expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
      expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
      const { format } = withTrueSizes(wav);
      expect(format).toMatchObject({ channels: 1, bitsPerSample: 16 });
      expect(wavDurationMs(format)).toBeGreaterThan(500);
      // The data chunk's size is what follows it, not espeak-ng's "unknown".
      expect(wav.readUInt32LE(wav.indexOf('data') + 4)).toBe(format.dataBytes);
    }
  });

  it('keeps recent texts: the same text again is the cached WAV; the cache is bounded in texts and bytes', async () => {
    const speech = new SpeechService({ logger: silentLogger, maxCachedTexts: 2 });
    const first = await speech.speak('en', 'The door is open.');
    expect(await speech.speak('en', 'The door is open.')).toBe(first);
    // Another language is another sound.
    expect(await speech.speak('sv', 'The door is open.')).not.toBe(first);
    await speech.speak('en', 'Nobody answered.');
    expect(speech.cacheSize().texts).toBe(2);
    // The oldest went: asked again, it is made anew.
    expect(await speech.speak('en', 'The door is open.')).not.toBe(first);
    const small = new SpeechService({ logger: silentLogger, maxCachedBytes: first.length + 100 });
    await small.speak('en', 'The door is open.');
    await small.speak('en', 'Nobody answered the call, please try again later.');
    expect(small.cacheSize().bytes).toBeLessThanOrEqual(first.length + 100);
  });

  it('speaks one text at a time with at most four waiting; the same text asked twice at once is made once', async () => {
    const speech = new SpeechService({ logger: silentLogger, espeak: slowEspeak(0.4) });
    const asked = ['one', 'two', 'three', 'four', 'five'].map((text) => speech.speak('en', text));
    const again = speech.speak('en', 'three');
    // One running, four waiting: the sixth different text is turned away at once.
    await expect(speech.speak('en', 'six')).rejects.toBeInstanceOf(RateLimitedError);
    await expect(speech.speak('en', 'six')).rejects.toMatchObject({ retryAfterS: 1 });
    const made = await Promise.all(asked);
    expect(await again).toBe(made[2]);
    expect(new Set(made).size).toBe(5);
    // Room again once they are done.
    await expect(speech.speak('en', 'six')).resolves.toBeInstanceOf(Buffer);
  }, 20_000);

  it('says clearly when espeak-ng is missing, fails or is too slow, and frees its turn for the next text', async () => {
    const missing = new SpeechService({ logger: silentLogger, espeak: '/nonexistent/espeak-ng' });
    await expect(missing.speak('en', 'hello')).rejects.toThrow(SpeechError);
    await expect(missing.speak('en', 'hello')).rejects.toThrow(/not installed \(Debian package espeak-ng\)/);
    const slow = new SpeechService({ logger: silentLogger, espeak: slowEspeak(2), timeoutMs: 200 });
    await expect(slow.speak('en', 'hello')).rejects.toThrow(/took longer than 200 ms/);
    // The turn is free again after a failure.
    await expect(slow.speak('en', 'again')).rejects.toThrow(SpeechError);
  }, 20_000);
});
