/**
 * Call signaling on the wire, for the intercom: decodes and validates what app devices send, and sends
 * the panel's messages to them. The broker link comes and goes with cloud sync, so the channel is created
 * first and the link is attached when sync starts; until then, sending fails with a clear error.
 *
 * The panel listens only to the app devices in its call (`listenTo`; the link subscribes to exactly their
 * topics), so what anyone else sends never reaches it. What a device in the call sends is bounded before
 * anything is parsed: the rate limits (call-intake-limiter.ts) turn a flood away unread, and what they
 * admit is decoded a batch per event-loop turn, so card taps, exit buttons and the relock timer are never
 * queued behind call traffic.
 */
import {
  type AppCallMessage,
  appCallMessage,
  callIdOf,
  type PanelCallMessageInput,
  panelCallMessage,
} from '../../cloud-sync/protocol/calls.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { type CallLimitsConfig, DEFAULT_CALL_LIMITS } from '../config/schema.ts';
import { CallIntakeLimiter } from './call-intake-limiter.ts';
import type { CallLink } from './ports.ts';

export type CallChannelEvents = {
  message: { appDeviceId: string; message: AppCallMessage };
  /** A message that failed to decode or validate: answered with `refused` when it names a call. */
  invalid: { appDeviceId: string; callId: string | undefined; reason: string };
  /** A message turned away unread by the rate limits (counted by the intercom, never answered). */
  dropped: { appDeviceId: string; reason: DropReason };
};

export type DropReason = 'device_rate_limited' | 'panel_rate_limited' | 'intake_queue_full';

/** Bounds what a misbehaving device can make the panel parse. */
const MAX_PAYLOAD_BYTES = 64 * 1024;
/** Admitted messages decoded per event-loop turn, and bytes: a turn's work stays well under a millisecond. */
const BATCH_MESSAGES = 16;
const BATCH_BYTES = 64 * 1024;
/** Admitted but not yet decoded; the panel bucket keeps it short, this bounds it whatever the limits. */
const MAX_QUEUED = 1024;

export interface CallChannelOptions {
  clock: Clock;
  limits?: CallLimitsConfig | undefined;
}

interface Queued {
  appDeviceId: string;
  payload: Buffer;
}

export class CallChannel {
  readonly events: SafeEmitter<CallChannelEvents>;
  readonly #log: Logger;
  #link: CallLink | undefined;
  #unlisten: (() => void) | undefined;
  readonly #limiter: CallIntakeLimiter;
  #queue: Queued[] = [];
  #drainScheduled = false;
  #listening: ReadonlySet<string> = new Set();

  constructor(logger: Logger, options: CallChannelOptions) {
    this.#log = logger;
    this.#limiter = new CallIntakeLimiter(options.clock, options.limits ?? DEFAULT_CALL_LIMITS);
    this.events = new SafeEmitter((event, err) =>
      logger.error({ event, err: String(err) }, 'call channel listener failed'),
    );
  }

  attach(link: CallLink): void {
    this.detach();
    this.#link = link;
    this.#unlisten = link.events.on('message', ({ appDeviceId, payload }) =>
      this.#intake(appDeviceId, payload),
    );
    void link.listenTo(this.#listening);
  }

  /** The app devices in the call (rung, or the one that answered); nobody when no call is in progress. */
  listenTo(appDeviceIds: Iterable<string>): void {
    this.#listening = new Set(appDeviceIds);
    void this.#link?.listenTo(this.#listening);
  }

  detach(): void {
    this.#unlisten?.();
    this.#unlisten = undefined;
    this.#link = undefined;
    // Calls are live: what was queued belongs to a connection that is gone.
    this.#queue = [];
  }

  isUp(): boolean {
    return this.#link?.isUp() ?? false;
  }

  /** Validates the panel's own message too: a bug here must not put a malformed message on the wire. */
  async send(appDeviceId: string, message: PanelCallMessageInput, expiryS = 60): Promise<void> {
    const link = this.#link;
    if (!link) throw new Error('call signaling is not connected (cloud sync is not running)');
    const checked = panelCallMessage.parse(message);
    await link.publishCall(appDeviceId, checked, { expiryS });
  }

  /** Runs once per message the broker delivers, flood or not: a bucket check and a push, nothing more. */
  #intake(appDeviceId: string, payload: Buffer): void {
    const verdict = this.#limiter.admit(appDeviceId);
    if (verdict !== 'admitted') {
      this.events.emit('dropped', { appDeviceId, reason: verdict });
      return;
    }
    if (this.#queue.length >= MAX_QUEUED) {
      this.events.emit('dropped', { appDeviceId, reason: 'intake_queue_full' });
      return;
    }
    this.#queue.push({ appDeviceId, payload });
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  /** Decodes one batch, then yields the event loop (timers, reader events, HTTP) before the next. */
  #drain(): void {
    this.#drainScheduled = false;
    let bytes = 0;
    for (let n = 0; n < BATCH_MESSAGES && bytes < BATCH_BYTES; n++) {
      const next = this.#queue.shift();
      if (!next) return;
      bytes += next.payload.length;
      this.#receive(next.appDeviceId, next.payload);
    }
    if (this.#queue.length > 0) {
      this.#drainScheduled = true;
      setImmediate(() => this.#drain());
    }
  }

  #receive(appDeviceId: string, payload: Buffer): void {
    const refuse = (callId: string | undefined, reason: string) => {
      // Debug only: the intercom audits refusals per source and window, and warns once per window.
      this.#log.debug({ appDeviceId, reason }, 'refused a call signaling message');
      this.events.emit('invalid', { appDeviceId, callId, reason });
    };
    if (payload.length > MAX_PAYLOAD_BYTES) {
      refuse(undefined, `message over ${MAX_PAYLOAD_BYTES} bytes`);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      refuse(undefined, 'not JSON');
      return;
    }
    const parsed = appCallMessage.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? `${first.path.join('.')}: ` : '';
      refuse(callIdOf(json), `invalid ${describeType(json)}message: ${where}${first?.message ?? 'invalid'}`);
      return;
    }
    this.events.emit('message', { appDeviceId, message: parsed.data });
  }
}

function describeType(json: unknown): string {
  const type = (json as { type?: unknown } | null)?.type;
  return typeof type === 'string' && /^[a-z]{1,20}$/.test(type) ? `"${type}" ` : '';
}
