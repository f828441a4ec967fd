/**
 * The panel process's handle on a phone RTP leg that lives in the media worker: what the SIP dialer
 * gets from MediaEngine (as a PhoneMediaFactory). Requests go over the media IPC; digits come back as
 * 'phone-digit' messages and are emitted here. During the call the speaker decodes the phone's G.711.
 */
import type { Speaker } from '../../hal/camera/types.ts';
import { NotFoundError, ValidationError } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { phoneMediaRemoteSchema } from '../phone/media/remote-schema.ts';
import type {
  DtmfDigit,
  PhoneMediaEvents,
  PhoneMediaLeg,
  PhoneMediaRemote,
  PhonePrompt,
} from '../phone/types.ts';
import type { MediaRequest } from './protocol.ts';

export interface PhoneLegProxyDeps {
  call: (request: MediaRequest) => Promise<unknown>;
  speaker: Speaker;
  logger: Logger;
  /** Called once the leg is closed (the engine forgets it). */
  onClosed: (callId: string) => void;
  /** Whether another phone leg still has the speaker (then it stays on G.711). */
  otherLegStarted: (callId: string) => boolean;
}

export class PhoneLegProxy implements PhoneMediaLeg {
  readonly events = new SafeEmitter<PhoneMediaEvents>();
  readonly local: { address: string; port: number };
  readonly callId: string;
  readonly #d: PhoneLegProxyDeps;
  #started = false;
  #closed: Promise<void> | undefined;

  constructor(callId: string, local: { address: string; port: number }, deps: PhoneLegProxyDeps) {
    this.callId = callId;
    this.local = local;
    this.#d = deps;
  }

  get started(): boolean {
    return this.#started && !this.#closed;
  }

  /** Validates at once (a bad answer is the caller's error); the media starts asynchronously. */
  start(remote: PhoneMediaRemote, prompt?: PhonePrompt): void {
    if (this.#closed) throw new ValidationError('the phone media leg is closed');
    if (this.#started) throw new ValidationError('the phone media leg has already started');
    const parsed = phoneMediaRemoteSchema.safeParse(remote);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(remote)'}: ${i.message}`);
      throw new ValidationError(`invalid phone media remote: ${issues.join('; ')}`, issues);
    }
    this.#started = true;
    const request: MediaRequest = {
      type: 'phone.start',
      callId: this.callId,
      remote: parsed.data,
      ...(prompt ? { prompt: { pcmBase64: prompt.pcm.toString('base64') } } : {}),
    };
    const log = this.#d.logger;
    this.#d
      .call(request)
      .catch((err: unknown) => log.error({ err, callId: this.callId }, 'phone media did not start'));
    // The prompt plays first, so the speaker's restart (a few hundred ms) costs nothing of the phone's audio.
    this.#d.speaker
      .setCodec(parsed.data.codec)
      .catch((err: unknown) => log.error({ err }, 'speaker could not switch to the phone'));
  }

  /** The worker reported a digit of this leg. */
  digit(digit: DtmfDigit): void {
    if (!this.#closed) this.events.emit('digit', digit);
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    try {
      await this.#d.call({ type: 'phone.close', callId: this.callId });
    } catch (err) {
      // Gone already: the media worker crashed or the engine stopped (every leg went with it).
      if (!(err instanceof NotFoundError))
        this.#d.logger.warn({ err, callId: this.callId }, 'phone leg close');
    }
    this.#d.onClosed(this.callId);
    if (this.#started && !this.#d.otherLegStarted(this.callId)) {
      await this.#d.speaker
        .setCodec('opus')
        .catch((err: unknown) => this.#d.logger.error({ err }, 'speaker could not switch back to Opus'));
    }
  }
}
