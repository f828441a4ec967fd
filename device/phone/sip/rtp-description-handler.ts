/**
 * A sip.js SessionDescriptionHandler for the phone leg: plain RTP on the PhoneMediaLeg's socket instead
 * of WebRTC (a phone or trunk speaks RTP/AVP with G.711; WebRTC's ICE + DTLS-SRTP would need a media relay
 * at the edge and made the first digit late, see the notes). It offers the leg's address and port,
 * keeps the phone's answer, and starts the leg's media when the dialer says the call was answered.
 */
import { randomInt } from 'node:crypto';
import type { BodyAndContentType, SessionDescriptionHandler } from 'sip.js';
import { ValidationError } from '../../../lib/errors.ts';
import type { PhoneMediaLeg, PhoneMediaRemote, PhonePrompt } from '../types.ts';
import { buildOffer, parseAnswer } from './sdp.ts';

const SDP = 'application/sdp';

export class RtpDescriptionHandler implements SessionDescriptionHandler {
  readonly #leg: PhoneMediaLeg;
  readonly #sessionId = String(randomInt(1, 2 ** 47));
  #version = 0;
  #remote: PhoneMediaRemote | undefined;
  #started = false;
  #closed = false;
  /** Why the last answer was refused (for the call's `failed` reason). */
  lastError: Error | undefined;

  constructor(leg: PhoneMediaLeg) {
    this.#leg = leg;
  }

  get remote(): PhoneMediaRemote | undefined {
    return this.#remote;
  }

  async getDescription(): Promise<BodyAndContentType> {
    if (this.#closed) throw new Error('session description handler closed');
    this.#version += 1;
    return { body: buildOffer(this.#leg.local, this.#sessionId, this.#version), contentType: SDP };
  }

  hasDescription(contentType: string): boolean {
    return contentType.split(';')[0]?.trim().toLowerCase() === SDP;
  }

  async setDescription(sdp: string): Promise<void> {
    try {
      const remote = parseAnswer(sdp);
      // Once media runs, a re-INVITE may not move it (the leg starts once); refuse a change instead.
      if (this.#started && this.#remote && !sameRemote(this.#remote, remote))
        throw new ValidationError('a new SDP answer moves the media after it started; not supported');
      this.#remote = remote;
    } catch (err) {
      this.lastError = err instanceof Error ? err : new Error(String(err));
      throw this.lastError;
    }
  }

  /** Called by the dialer once the call is answered: the leg starts sending (prompt first). */
  startMedia(prompt?: PhonePrompt): void {
    if (this.#started || this.#closed || !this.#remote) return;
    this.#started = true;
    this.#leg.start(this.#remote, prompt);
  }

  /** The panel sends no DTMF. */
  sendDtmf(): boolean {
    return false;
  }

  /** The leg belongs to whoever opened it (the fallback closes it once the call ended). */
  close(): void {
    this.#closed = true;
  }
}

function sameRemote(a: PhoneMediaRemote, b: PhoneMediaRemote): boolean {
  return a.address === b.address && a.port === b.port && a.codec === b.codec;
}
