/**
 * Spoken status for the panel page: `GET /api/v1/speech?lang=sv&text=…` answers a WAV the page plays in
 * an <audio> element, for visitors who cannot read the screen. A GET, so the element can fetch it itself
 * and the browser may keep it; the same text always sounds the same.
 */
import { parseInput } from '../../../lib/http/parse-input.ts';
import type { Router } from '../../../lib/http/router.ts';
import { SpeechError } from '../../speech/child-output.ts';
import type { SpeechApi } from '../../speech/speech-service.ts';
import { speechQuery } from '../schemas.ts';

export const SPEECH_PATH = '/api/v1/speech';

export function addSpeechRoutes(router: Router, speech: SpeechApi): void {
  router.add('GET', SPEECH_PATH, async ({ query }) => {
    const { lang, text } = parseInput(speechQuery, Object.fromEntries(query), 'speech request');
    try {
      const wav = await speech.speak(lang, text);
      return {
        status: 200,
        body: wav,
        headers: { 'content-type': 'audio/wav', 'cache-control': 'private, max-age=86400' },
      };
    } catch (err) {
      // espeak-ng missing, failing or too slow: the page falls back to text (or the browser's speech).
      if (!(err instanceof SpeechError)) throw err;
      return { status: 503, body: { error: { code: err.code, message: err.message } } };
    }
  });
}
