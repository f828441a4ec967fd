/**
 * The phone fallback: a resident logged in to no app device (or a sequential step by phone) is called on
 * their phone through the SIP edge. One leg at a time (the router sees to it). On answer the callee hears
 * the building's prompt, then the visitor; an open digit — by RFC 4733, SIP INFO or an in-band tone —
 * opens the call's door once per call. Every step is an audit event; the number itself is never recorded.
 * Digits reach this class only from the leg the panel placed: the dialer refuses incoming calls and the
 * media leg drops RTP from anyone but the answered phone.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CallDoorOpener, IntercomPhone, PhoneLegReport, PhoneLegRequest } from '../intercom/ports.ts';
import type { CallAudit } from '../intercom/types.ts';
import type { PhoneSettings } from './phone-settings.ts';
import type {
  DtmfDigit,
  PhoneCall,
  PhoneDialer,
  PhoneMediaFactory,
  PhoneMediaLeg,
  PhoneOutcome,
  PhonePrompt,
} from './types.ts';

export interface PhoneFallbackOptions {
  dialer: PhoneDialer;
  media: PhoneMediaFactory;
  /** The prompt's audio for a text (cached by the caller); undefined: the callee hears the visitor at once. */
  prompt: (text: string) => Promise<PhonePrompt | undefined>;
  /** The building's phone settings now (name, prompt, open digits). */
  settings: () => PhoneSettings;
  doors: Pick<CallDoorOpener, 'openForPhone'>;
  audit: CallAudit;
  clock: Clock;
  logger: Logger;
  /** Upper bounds from the panel's config: ring time and length of an answered call (seconds). */
  ringTimeoutS: number;
  maxCallS: number;
}

/** Digit rows per call beyond which digits still work but are no longer recorded one by one. */
const DIGIT_ROWS_PER_CALL = 20;

interface Leg {
  readonly request: PhoneLegRequest;
  readonly report: PhoneLegReport;
  readonly openDigits: string;
  media?: PhoneMediaLeg;
  call?: PhoneCall;
  answered: boolean;
  rang: boolean;
  opened: boolean;
  /** The router gave up on this leg: no more reports. */
  abandoned: boolean;
  done: boolean;
  digitRows: number;
}

export class PhoneFallback implements IntercomPhone {
  readonly #o: PhoneFallbackOptions;
  readonly #legs = new Map<string, Leg>();

  constructor(options: PhoneFallbackOptions) {
    this.#o = options;
  }

  dial(request: PhoneLegRequest, report: PhoneLegReport): void {
    const settings = this.#o.settings();
    const leg: Leg = {
      request,
      report,
      openDigits: settings.openDigits,
      answered: false,
      rang: false,
      opened: false,
      abandoned: false,
      done: false,
      digitRows: 0,
    };
    this.#legs.set(request.callId, leg);
    this.#o.audit('call.phone_dialing', { callId: request.callId, residentId: request.residentId });
    void this.#place(leg, settings).catch((err: unknown) => this.#finish(leg, 'failed', errorMessage(err)));
  }

  end(callId: string): void {
    const leg = this.#legs.get(callId);
    if (!leg) return;
    leg.abandoned = true;
    if (leg.call) leg.call.end();
    else this.#finish(leg, 'cancelled', 'ended before the call was placed');
  }

  /** Ends every leg (the panel stops). */
  stop(): void {
    for (const callId of [...this.#legs.keys()]) this.end(callId);
  }

  async #place(leg: Leg, settings: PhoneSettings): Promise<void> {
    const { callId, number, ringS } = leg.request;
    const [media, prompt] = await Promise.all([
      this.#o.media.open(callId),
      this.#o.prompt(settings.promptText).catch((err: unknown) => {
        this.#o.logger.warn(
          { err: errorMessage(err) },
          'phone prompt unavailable; the callee hears the visitor',
        );
        return undefined;
      }),
    ]);
    if (leg.done || leg.abandoned) {
      // Ended while the media leg was being opened: nothing was placed.
      await media.close();
      this.#finish(leg, 'cancelled', 'ended before the call was placed');
      return;
    }
    leg.media = media;
    media.events.on('digit', (digit) => this.#digit(leg, digit));
    const call = this.#o.dialer.dial(
      {
        callId,
        number,
        displayName: settings.displayName,
        ringTimeoutS: Math.min(ringS, this.#o.ringTimeoutS),
        maxCallS: this.#o.maxCallS,
      },
      media,
      prompt,
    );
    leg.call = call;
    call.events.on('ringing', ({ early }) => {
      if (leg.rang || leg.answered) return;
      leg.rang = true;
      this.#o.audit('call.phone_ringing', { callId, residentId: leg.request.residentId, early });
      if (!leg.abandoned) leg.report.ringing();
    });
    call.events.on('answered', () => {
      if (leg.answered) return;
      leg.answered = true;
      this.#o.audit('call.phone_answered', { callId, residentId: leg.request.residentId });
      if (!leg.abandoned) leg.report.answered();
    });
    call.events.on('digit', (digit) => this.#digit(leg, digit));
    call.events.on('ended', (e) => this.#finish(leg, e.outcome, e.reason, e.sipStatus, e.durationMs));
  }

  #digit(leg: Leg, { digit, source }: DtmfDigit): void {
    if (leg.done || !leg.answered) return;
    const { callId, residentId, doorId } = leg.request;
    let action: 'opened' | 'ignored' | 'already_opened' | 'refused' = 'ignored';
    if (leg.openDigits.includes(digit)) {
      if (leg.opened) action = 'already_opened';
      else if (!doorId) action = 'refused';
      else {
        const result = this.#o.doors.openForPhone(doorId, { residentId, callId, digit, source });
        if (result.ok) {
          leg.opened = true;
          if (!leg.abandoned) leg.report.doorOpened();
          // The door's own decision row names the digit and its source.
          return;
        }
        action = 'refused';
        this.#o.logger.warn({ callId, reason: result.reason }, 'door not opened from the phone');
      }
    }
    if (leg.digitRows >= DIGIT_ROWS_PER_CALL) return;
    leg.digitRows++;
    this.#o.audit('call.phone_digit', { callId, residentId, digit, source, action });
  }

  #finish(leg: Leg, outcome: PhoneOutcome, reason: string, sipStatus?: number, durationMs?: number): void {
    if (leg.done) return;
    leg.done = true;
    const { callId, residentId } = leg.request;
    if (this.#legs.get(callId) === leg) this.#legs.delete(callId);
    this.#o.audit('call.phone_ended', {
      callId,
      residentId,
      outcome,
      reason: reason.slice(0, 200),
      ...(sipStatus !== undefined ? { sipStatus } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
    });
    leg.media
      ?.close()
      .catch((err: unknown) => this.#o.logger.warn({ err: errorMessage(err) }, 'phone media close'));
    if (!leg.abandoned) leg.report.ended(outcome);
  }
}
