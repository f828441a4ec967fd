/**
 * One phone call placed by the panel: the sip.js Inviter's life mapped to PhoneCall events. Ringing on
 * 180/183; answered on 2xx (the leg's media starts then); the ring timeout CANCELs (no_answer), the call
 * length limit sends BYE; final answers map to outcomes (outcomes.ts); digits by SIP INFO in this dialog
 * only (sip.js answers 481 to INFO in any other dialog). `ended` is emitted exactly once.
 */
import { type Core, type Info, type Inviter, type Session, SessionState } from 'sip.js';
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { PhoneCall, PhoneCallEvents, PhoneCallRequest, PhoneOutcome, PhonePrompt } from '../types.ts';
import { parseDtmfInfo } from './dtmf-info.ts';
import { outcomeForStatus } from './outcomes.ts';
import type { RtpDescriptionHandler } from './rtp-description-handler.ts';

type IncomingResponse = Core.IncomingResponse;
export type CallEnd = PhoneCallEvents['ended'];

export class SipCall implements PhoneCall {
  readonly events: SafeEmitter<PhoneCallEvents>;
  readonly #request: PhoneCallRequest;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #prompt: PhonePrompt | undefined;
  #inviter: Inviter | undefined;
  #handler: RtpDescriptionHandler | undefined;
  #ringTimer: TimerHandle | undefined;
  #callTimer: TimerHandle | undefined;
  #ringingEarly: boolean | undefined;
  #answeredAt: number | undefined;
  #timedOut = false;
  #ended = false;
  readonly #onEnded: () => void;

  constructor(
    request: PhoneCallRequest,
    clock: Clock,
    log: Logger,
    prompt: PhonePrompt | undefined,
    onEnded: () => void,
  ) {
    this.#request = request;
    this.#clock = clock;
    this.#log = log.child({ callId: request.callId });
    this.#prompt = prompt;
    this.#onEnded = onEnded;
    this.events = new SafeEmitter<PhoneCallEvents>((event, err) =>
      this.#log.error({ event, err: errorMessage(err) }, 'phone call listener failed'),
    );
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Sends the INVITE. Never throws: any failure ends the call with `failed`. */
  place(inviter: Inviter, handler: RtpDescriptionHandler): void {
    if (this.#ended) return;
    this.#inviter = inviter;
    this.#handler = handler;
    inviter.delegate = { onInfo: (info) => this.#onInfo(info) };
    inviter.stateChange.addListener((state) => {
      // sip.js moves to Terminated before it hands a final non-2xx to onReject: let that report first.
      if (state === SessionState.Terminated) queueMicrotask(() => this.#onTerminated());
    });
    this.#ringTimer = this.#clock.setTimeout(() => this.#ringTimeout(), this.#request.ringTimeoutS * 1000);
    inviter
      .invite({
        requestDelegate: {
          onProgress: (r) => this.#onProgress(r),
          onAccept: () => this.#onAccept(),
          onReject: (r) => this.#onReject(r),
        },
      })
      .catch((err: unknown) =>
        this.finish({ outcome: 'failed', reason: `INVITE not sent: ${errorMessage(err)}` }),
      );
  }

  end(): void {
    if (this.#ended) return;
    const inviter = this.#inviter;
    if (this.#answeredAt !== undefined) {
      this.#bye('visitor hung up');
      this.finish({ outcome: 'answered', reason: 'visitor hung up', durationMs: this.#duration() });
      return;
    }
    this.finish({ outcome: 'cancelled', reason: 'visitor left' });
    if (inviter) this.#cancel(inviter);
  }

  /** Ends the call (once) with this result; later results are ignored. */
  finish(result: CallEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#clock.clearTimeout(this.#ringTimer);
    this.#clock.clearTimeout(this.#callTimer);
    this.#log.info(
      { outcome: result.outcome, reason: result.reason, sipStatus: result.sipStatus },
      'phone call ended',
    );
    this.#onEnded();
    this.events.emit('ended', result);
  }

  /** The edge connection dropped: the dialog cannot be ended or continued. */
  transportLost(reason: string): void {
    if (this.#answeredAt !== undefined)
      this.finish({ outcome: 'answered', reason, durationMs: this.#duration() });
    else this.finish({ outcome: 'failed', reason });
    this.#inviter?.dispose().catch(() => {});
  }

  #onProgress(response: IncomingResponse): void {
    const status = response.message.statusCode;
    if (this.#ended || (status !== 180 && status !== 183)) return;
    const early = status === 183;
    if (this.#ringingEarly === early) return;
    this.#ringingEarly = early;
    this.events.emit('ringing', { early });
  }

  #onAccept(): void {
    if (this.#ended) {
      // Answered after the visitor left or the ring time ran out (a 200 crossing our CANCEL): hang up.
      this.#bye('answered after the call ended');
      return;
    }
    this.#clock.clearTimeout(this.#ringTimer);
    this.#answeredAt = this.#clock.monotonic();
    this.#handler?.startMedia(this.#prompt);
    this.#callTimer = this.#clock.setTimeout(() => {
      this.#bye('call length limit');
      this.finish({ outcome: 'answered', reason: 'call length limit', durationMs: this.#duration() });
    }, this.#request.maxCallS * 1000);
    this.events.emit('answered', {});
  }

  #onReject(response: IncomingResponse): void {
    const status = response.message.statusCode ?? 0;
    const outcome: PhoneOutcome = outcomeForStatus(status, this.#timedOut);
    this.finish({
      outcome,
      reason: `${status} ${response.message.reasonPhrase ?? ''}`.trim(),
      sipStatus: status,
    });
  }

  #onTerminated(): void {
    if (this.#ended) return;
    if (this.#answeredAt !== undefined) {
      this.finish({ outcome: 'answered', reason: 'phone hung up', durationMs: this.#duration() });
      return;
    }
    const why = this.#handler?.lastError?.message;
    this.finish({
      outcome: 'failed',
      reason: why ? `unusable answer: ${why}` : 'session ended before an answer',
    });
  }

  #ringTimeout(): void {
    if (this.#ended || this.#answeredAt !== undefined) return;
    this.#timedOut = true;
    this.finish({ outcome: 'no_answer', reason: `no answer within ${this.#request.ringTimeoutS} s` });
    if (this.#inviter) this.#cancel(this.#inviter);
  }

  #onInfo(info: Info): void {
    const request = info.request;
    const digit = parseDtmfInfo(request.getHeader('Content-Type'), request.body ?? '');
    if (digit === null || this.#answeredAt === undefined || this.#ended) {
      this.#log.warn(
        { contentType: request.getHeader('Content-Type') },
        'SIP INFO without a usable digit refused',
      );
      info.reject({ statusCode: 400 }).catch(() => {});
      return;
    }
    info.accept().catch(() => {});
    this.events.emit('digit', { digit, source: 'sip-info' });
  }

  #cancel(inviter: Inviter): void {
    if (inviter.state === SessionState.Initial || inviter.state === SessionState.Establishing)
      inviter.cancel().catch((err: unknown) => this.#log.warn({ err: errorMessage(err) }, 'CANCEL failed'));
    else if (inviter.state === SessionState.Established) this.#byeSession(inviter);
  }

  #bye(why: string): void {
    const inviter = this.#inviter;
    if (!inviter || inviter.state !== SessionState.Established) return;
    this.#log.info({ why }, 'hanging up');
    this.#byeSession(inviter);
  }

  #byeSession(session: Session): void {
    session.bye().catch((err: unknown) => this.#log.warn({ err: errorMessage(err) }, 'BYE failed'));
  }

  #duration(): number {
    return Math.max(0, Math.round(this.#clock.monotonic() - (this.#answeredAt ?? this.#clock.monotonic())));
  }
}
