/**
 * An unpaired panel's pairing client: asks the hub for a code, keeps it on screen while it is valid,
 * polls until an administrator claims it, and hands the kit (opened with the panel's own key, which
 * never leaves this process) to `onKit`. Every wait is on the injectable clock and backs off: polls
 * start at 2 s and slow to 10 s; failures (hub unreachable, refusals, rate limits) retry from 2 s up to
 * a minute. A code is replaced 30 s before it expires, and at once when the hub no longer knows it.
 */
import {
  formatPairingCode,
  kitContext,
  type PairingPollReply,
  type PanelKit,
  type PanelPairingStatus,
  panelKit,
  type WiredDoor,
} from '../../cloud-sync/protocol/pairing.ts';
import type { Clock, TimerHandle } from '../../lib/clock/clock.ts';
import { newX25519KeyPair, openSealed, type X25519KeyPair } from '../../lib/crypto/sealed-box.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { HubPairingPort } from './hub-client.ts';

export const POLL_FIRST_MS = 2000;
export const POLL_MAX_MS = 10_000;
export const RETRY_FIRST_MS = 2000;
export const RETRY_MAX_MS = 60_000;
/** A code this close to its expiry is replaced: nobody should type a code that dies on the way. */
export const REFRESH_BEFORE_MS = 30_000;

export interface PairingClientOptions {
  hub: HubPairingPort;
  clock: Clock;
  logger: Logger;
  /** The base config's doors, for the administrator to map the hub's doors onto. */
  wiredDoors: readonly WiredDoor[];
  software?: string | undefined;
  /** Shown on the screen: where the administrator enters the code. */
  hubUrl: string;
  /** The claimed kit; once it resolves the panel is paired (it restarts into the paired state). */
  onKit(kit: PanelKit): Promise<void> | void;
  /** Tests pass one; otherwise a fresh pair per start. */
  keys?: X25519KeyPair;
}

interface Held {
  requestId: string;
  code: string;
  pollToken: string;
  expiresAt: number;
}

export class PairingClient {
  readonly #o: PairingClientOptions;
  readonly #keys: X25519KeyPair;
  #held: Held | undefined;
  #status: PanelPairingStatus;
  #pollDelay = POLL_FIRST_MS;
  #retryDelay = RETRY_FIRST_MS;
  #timer: TimerHandle | undefined;
  #stopped = true;

  constructor(options: PairingClientOptions) {
    this.#o = options;
    this.#keys = options.keys ?? newX25519KeyPair();
    this.#status = { state: 'unpaired', hub: options.hubUrl };
  }

  start(): void {
    this.#stopped = false;
    this.#after(0, () => this.#ask());
  }

  stop(): void {
    this.#stopped = true;
    this.#o.clock.clearTimeout(this.#timer);
  }

  status(): PanelPairingStatus {
    return this.#status;
  }

  /** The code shown now (raw, unformatted), for the QR; undefined while there is none. */
  currentCode(): string | undefined {
    return this.#status.state === 'waiting' ? this.#held?.code : undefined;
  }

  async #ask(): Promise<void> {
    this.#held = undefined;
    try {
      const reply = await this.#o.hub.request({
        publicKey: this.#keys.publicKey,
        doors: [...this.#o.wiredDoors],
        ...(this.#o.software ? { software: this.#o.software } : {}),
      });
      if (this.#stopped) return;
      // Timed on this panel's clock from the code's lifetime, not the hub's expiry: a panel being installed
      // may not have the right time yet, and a skewed clock must not make it ask again and again.
      this.#held = { ...reply, expiresAt: this.#o.clock.now() + reply.ttlMs };
      this.#retryDelay = RETRY_FIRST_MS;
      this.#pollDelay = POLL_FIRST_MS;
      this.#show();
      this.#o.logger.info({ ttlMs: reply.ttlMs }, 'pairing code shown; waiting for the hub');
      this.#after(this.#nextPoll(), () => this.#poll());
    } catch (err) {
      this.#failed(err, () => this.#ask());
    }
  }

  async #poll(): Promise<void> {
    const held = this.#held;
    if (!held || this.#o.clock.now() >= held.expiresAt - REFRESH_BEFORE_MS) return this.#ask();
    let reply: PairingPollReply | 'gone';
    try {
      reply = await this.#o.hub.poll(held.requestId, held.pollToken);
    } catch (err) {
      return this.#failed(err, () => this.#poll());
    }
    if (this.#stopped) return;
    this.#retryDelay = RETRY_FIRST_MS;
    if (reply === 'gone') return this.#ask();
    if (reply.state === 'waiting') {
      this.#show();
      this.#pollDelay = Math.min(POLL_MAX_MS, Math.round(this.#pollDelay * 1.5));
      this.#after(this.#nextPoll(), () => this.#poll());
      return;
    }
    let kit: PanelKit;
    try {
      kit = panelKit.parse(
        JSON.parse(openSealed(this.#keys.privateKey, reply.kit, kitContext(held.requestId)).toString('utf8')),
      );
    } catch {
      return this.#failed(new Error('the kit from the hub could not be opened; a new code follows'), () =>
        this.#ask(),
      );
    }
    this.#o.logger.info({ panelId: kit.panel.id }, 'paired: kit received');
    this.#status = { state: 'paired', hub: this.#o.hubUrl };
    this.#held = undefined;
    try {
      await this.#o.onKit(kit);
    } catch (err) {
      // The hub gave the kit out once: the administrator claims a new code with reissue.
      this.#failed(new Error(`the kit could not be saved (${errorMessage(err)}); a new code follows`), () =>
        this.#ask(),
      );
    }
  }

  /** The code (if still valid) stays on screen with the error; the same step is retried later. */
  #failed(err: unknown, again: () => Promise<void>): void {
    if (this.#stopped) return;
    const error = errorMessage(err);
    this.#o.logger.warn(
      { err: error, retryInMs: this.#retryDelay },
      'pairing: the hub could not be reached or refused',
    );
    const held = this.#held;
    this.#status =
      held && this.#o.clock.now() < held.expiresAt - REFRESH_BEFORE_MS
        ? { ...this.#codeStatus(held), error }
        : { state: 'error', hub: this.#o.hubUrl, error };
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(RETRY_MAX_MS, this.#retryDelay * 2);
    this.#after(delay, again);
  }

  #show(): void {
    if (this.#held) this.#status = this.#codeStatus(this.#held);
  }

  #codeStatus(held: Held): PanelPairingStatus {
    return {
      state: 'waiting',
      code: formatPairingCode(held.code),
      expiresAt: held.expiresAt,
      hub: this.#o.hubUrl,
    };
  }

  /** The next poll, never later than the moment the code is to be replaced. */
  #nextPoll(): number {
    const held = this.#held;
    const untilRefresh = held ? held.expiresAt - REFRESH_BEFORE_MS - this.#o.clock.now() : 0;
    return Math.max(0, Math.min(this.#pollDelay, untilRefresh));
  }

  #after(ms: number, fn: () => Promise<void>): void {
    if (this.#stopped) return;
    this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => {
      void fn().catch((err: unknown) => this.#failed(err, fn));
    }, ms);
  }
}
