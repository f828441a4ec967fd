/**
 * The speech endpoint on a real panel (sim hardware) with the real espeak-ng: a WAV for the page's
 * <audio> element, bad input refused naming the parameter, a burst beyond the queue answered 429 with
 * Retry-After, and the endpoint in the OpenAPI document.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEECH_PATH } from '../../../device/api/routes/speech-routes.ts';
import { validateConfig } from '../../../device/config/load.ts';
import { Panel } from '../../../device/main.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { wavDurationMs, withTrueSizes } from '../../../device/speech/wav-header.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { tempDir } from '../../support/temp-dir.ts';

describe('spoken status over the local API', () => {
  let panel: Panel;
  let base: string;

  beforeAll(async () => {
    panel = new Panel({
      config: validateConfig(
        demoConfig({
          storePath: join(tempDir(), 'panel.db'),
          port: 0,
          installerToken: 'test-installer-token-0123',
        }),
      ),
      logger: silentLogger,
    });
    await panel.start();
    base = `http://127.0.0.1:${panel.apiAddress().port}`;
  }, 30_000);
  afterAll(async () => {
    await panel?.stop();
  });

  const speech = (params: Record<string, string>) =>
    fetch(`${base}${SPEECH_PATH}?${new URLSearchParams(params).toString()}`);

  it('answers a WAV of the text in the language asked', async () => {
    for (const lang of ['nb', 'en', 'sv']) {
      const res = await speech({ lang, text: 'Storgatan 12 — 1001 Andersson' });
      expect(res.status, lang).toBe(200);
      expect(res.headers.get('content-type')).toBe('audio/wav');
      const wav = Buffer.from(await res.arrayBuffer());
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wavDurationMs(withTrueSizes(wav).format)).toBeGreaterThan(500);
    }
  });

  it.each([
    [{ lang: 'de', text: 'Hallo' }, 'lang'],
    [{ text: 'Hello' }, 'lang'],
    [{ lang: 'en' }, 'text'],
    [{ lang: 'en', text: '   ' }, 'text'],
    [{ lang: 'en', text: 'x'.repeat(201) }, 'text'],
    [{ lang: 'en', text: 'two\nlines' }, 'text'],
    [{ lang: 'en', text: 'Hello', voice: 'en-gb' }, 'voice'],
  ])('refuses %j with 400 naming %s', async (params, named) => {
    const res = await speech(params);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.message).toContain(named);
  });

  it('turns a burst beyond its queue away with 429 and Retry-After; the rest are spoken', async () => {
    // Different long texts, asked at once: one is spoken at a time and four wait.
    const texts = Array.from(
      { length: 16 },
      (_, i) => `Message ${i}: ${'please wait for the resident. '.repeat(6)}`,
    );
    const replies = await Promise.all(texts.map((text) => speech({ lang: 'en', text: text.slice(0, 200) })));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    for (const res of replies) {
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      await res.arrayBuffer();
    }
  }, 30_000);

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }>;
    };
    const route = doc.paths[SPEECH_PATH]!.get;
    expect(route.parameters.map((p) => p.name)).toEqual(['lang', 'text']);
    expect(Object.keys(route.responses)).toEqual(['200', '400', '429', '503']);
  });
});
