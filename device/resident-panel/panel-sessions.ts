/**
 * The one resident session a panel has at a time: a random token for the settings routes, ending at most
 * RESIDENT_SESSION_MAX_MS after the sign-in, at sign-out, or when the next resident signs in (a panel
 * is one screen: whoever signed in before has walked away). Expiry is on the monotonic clock; the wall
 * time the screen shows is computed from it. In memory: a restart signs everybody out.
 */
import { randomBytes } from 'node:crypto';
import { RESIDENT_SESSION_MAX_MS } from '../../cloud-sync/protocol/resident-panel.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { secretsEqual } from '../../lib/http/bearer.ts';

export interface PanelSession {
  token: string;
  residentId: string;
  cardId: string;
  /** Wall time it ends (ms), for the screen. */
  expiresAt: number;
  /** Changes sent in this session (bounded per session). */
  changes: number;
}

export class PanelSessions {
  readonly #clock: Clock;
  readonly #maxMs: number;
  #current: (PanelSession & { endsAtMonotonic: number }) | undefined;

  constructor(clock: Clock, maxMs = RESIDENT_SESSION_MAX_MS) {
    this.#clock = clock;
    this.#maxMs = maxMs;
  }

  /** Starts the resident's session, ending any other. */
  open(residentId: string, cardId: string): PanelSession {
    const token = randomBytes(32).toString('base64url');
    const session = {
      token,
      residentId,
      cardId,
      expiresAt: this.#clock.now() + this.#maxMs,
      changes: 0,
      endsAtMonotonic: this.#clock.monotonic() + this.#maxMs,
    };
    this.#current = session;
    return session;
  }

  /** The running session this token names, or undefined (none, another, or expired). */
  get(token: string): PanelSession | undefined {
    const s = this.#current;
    if (!s || !secretsEqual(token, s.token)) return undefined;
    if (this.#clock.monotonic() >= s.endsAtMonotonic) {
      this.#current = undefined;
      return undefined;
    }
    return s;
  }

  /** Ends the session this token names; false when it names none. */
  end(token: string): boolean {
    if (!this.get(token)) return false;
    this.#current = undefined;
    return true;
  }
}
