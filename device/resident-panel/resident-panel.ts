/**
 * A resident changes their doorbell at their own panel: they tap their card, confirm with the PIN they
 * set in the resident app, and may then hide or show their name and change the text of their own bell
 * here. The change goes to the hub as a `resident.panel_settings_changed` event through the outbox, which
 * the hub applies like the app's change (cloud-sync/hub/residents/panel-settings-changes.ts): nothing is
 * applied here ahead of the hub, which stays the source of truth; the screen shows the change when the
 * new config arrives. While the hub cannot be reached no change is taken (the resident is told so), so a
 * change never lands hours later over what the resident did in the app meanwhile.
 *
 * Guessing is bounded three ways: a PIN is checked only for a tap of the resident's own active card in
 * the last minute; wrong PINs back off per resident (pin-backoff.ts); and all attempts share one bucket
 * (ATTEMPTS), which also bounds the audit rows refusals cost. The PIN is checked with async scrypt, off
 * the event loop that serves card taps. Every sign-in and refusal is audited, never the PIN.
 */
import type {
  ResidentPanelSettings,
  ResidentSessionReply,
  ResidentSettingsPatch,
  ResidentSettingsSent,
  ResidentSignInBody,
} from '../../cloud-sync/protocol/resident-panel.ts';
import { PANEL_SETTINGS_CHANGED, SIGN_IN_TAP_MAX_AGE_MS } from '../../cloud-sync/protocol/resident-panel.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { verifyScrypt } from '../../lib/crypto/scrypt-hash.ts';
import {
  AuthError,
  ForbiddenError,
  NotFoundError,
  PortvaktError,
  RateLimitedError,
} from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import type { SignInRefusal } from '../audit/resident-panel-payloads.ts';
import type { AuditLog } from '../audit/types.ts';
import type { ResidentPanelLookup, SignInResident } from '../store/resident-panel-lookup.ts';
import type { RecentTaps } from '../taps/recent-taps.ts';
import { type PanelSession, PanelSessions } from './panel-sessions.ts';
import { PinBackoff } from './pin-backoff.ts';
import type { ResidentPanelApi } from './resident-panel-api.ts';

/** Sign-in attempts of all residents together: a few people a minute at one door is plenty. */
export const ATTEMPTS = { perMinute: 20, burst: 10 };
/** Changes one session may send (a person makes one or two). */
export const CHANGES_PER_SESSION = 10;

export interface ResidentPanelDeps {
  lookup: Pick<ResidentPanelLookup, 'card' | 'resident' | 'ownBellTexts'>;
  /** Whose granted tap a tapId was (undefined once forgotten, after a minute). */
  recentTaps: Pick<RecentTaps, 'get'>;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Whether the hub can be reached now (the sync link is up); false on a panel without sync. */
  hubConnected: () => boolean;
  backoff?: PinBackoff | undefined;
}

export class ResidentPanel implements ResidentPanelApi {
  readonly #d: ResidentPanelDeps;
  readonly #backoff: PinBackoff;
  readonly #sessions: PanelSessions;
  readonly #attempts: TokenBucket;
  /** Taps that signed someone in: one sign-in per tap. */
  readonly #usedTaps = new Map<string, number>();
  /** Residents whose PIN is being checked: a second attempt meanwhile would slip past the backoff. */
  readonly #checking = new Set<string>();

  constructor(deps: ResidentPanelDeps) {
    this.#d = deps;
    this.#backoff = deps.backoff ?? new PinBackoff(deps.clock);
    this.#sessions = new PanelSessions(deps.clock);
    this.#attempts = new TokenBucket(ATTEMPTS.perMinute / 60, () => deps.clock.monotonic(), ATTEMPTS.burst);
  }

  async signIn({ tapId, pin }: ResidentSignInBody): Promise<ResidentSessionReply> {
    const { clock, audit, logger } = this.#d;
    if (this.#attempts.available() < 1) {
      logger.warn('resident sign-in attempts over the panel bound; refused unaudited');
      throw new RateLimitedError(
        'too many sign-in attempts at this panel; try again shortly',
        this.#attempts.msUntil(1),
      );
    }
    this.#attempts.take(1);
    const tap = this.#recentTap(tapId);
    if (!tap)
      this.#refuse(
        'unknown_tap',
        {},
        new NotFoundError('tap your card again: this tap is unknown or older than a minute'),
      );
    const { residentId, cardId } = tap;
    const resident = this.#usableCard(cardId, residentId);
    if (!resident)
      this.#refuse(
        'card_not_usable',
        { residentId },
        new ForbiddenError('this card cannot change doorbell settings here'),
      );
    if (resident.panelPinHash === null)
      this.#refuse(
        'no_pin',
        { residentId },
        new PortvaktError('no_pin', 'set a PIN for the panel in the resident app first'),
      );
    const waitMs = this.#backoff.waitMs(residentId);
    if (waitMs > 0)
      this.#refuse(
        'backoff',
        { residentId, retryAfterS: Math.ceil(waitMs / 1000) },
        new RateLimitedError('too many wrong PINs; wait before trying again', waitMs),
      );
    if (this.#checking.has(residentId)) throw new RateLimitedError('a PIN of yours is being checked', 1000);
    this.#checking.add(residentId);
    let right: boolean;
    try {
      right = await verifyScrypt(pin, resident.panelPinHash);
    } finally {
      this.#checking.delete(residentId);
    }
    if (!right) {
      const { failures, waitMs: pause } = this.#backoff.failed(residentId);
      const left = this.#backoff.triesLeft(residentId);
      const next =
        pause > 0
          ? `wait ${Math.ceil(pause / 1000)} s before the next try`
          : `${left} ${left === 1 ? 'try' : 'tries'} left before a pause`;
      this.#refuse('wrong_pin', { residentId, failures }, new AuthError(`wrong PIN; ${next}`));
    }
    this.#backoff.succeeded(residentId);
    this.#usedTaps.set(tapId, clock.monotonic());
    const session = this.#sessions.open(residentId, cardId);
    audit.append({ type: 'resident.panel_signed_in', data: { residentId, cardId } });
    logger.info({ residentId }, 'resident signed in at the panel');
    return { token: session.token, expiresAt: session.expiresAt, resident: this.#settingsOf(resident) };
  }

  settings(token: string): { expiresAt: number; resident: ResidentPanelSettings } {
    const { session, resident } = this.#signedIn(token);
    return { expiresAt: session.expiresAt, resident: this.#settingsOf(resident) };
  }

  change(token: string, patch: ResidentSettingsPatch): ResidentSettingsSent {
    const { session, resident } = this.#signedIn(token);
    if (patch.displayName !== undefined && this.#d.lookup.ownBellTexts(resident.id).length === 0)
      throw new PortvaktError('no_own_bell', 'you have no bell of your own on this panel to name');
    if (!this.#d.hubConnected())
      throw new PortvaktError(
        'hub_unreachable',
        "the building's system cannot be reached from this panel now; try again later or use the resident app",
      );
    if (session.changes >= CHANGES_PER_SESSION)
      throw new RateLimitedError('that is enough changes for one visit; sign in again', 60_000);
    session.changes++;
    const event = this.#d.audit.append({
      type: PANEL_SETTINGS_CHANGED,
      data: { residentId: resident.id, ...patch },
    });
    this.#d.logger.info(
      { residentId: resident.id, fields: Object.keys(patch) },
      'resident change sent to the hub',
    );
    return { sent: true, eventId: event.id };
  }

  signOut(token: string): void {
    this.#sessions.end(token);
  }

  /** The running session and its resident; AuthError when the token names none. */
  #signedIn(token: string): { session: PanelSession; resident: SignInResident } {
    const session = this.#sessions.get(token);
    const resident = session && this.#d.lookup.resident(session.residentId);
    if (!session || resident?.status !== 'active') {
      if (session) this.#sessions.end(token);
      throw new AuthError('not signed in (or the session ended): tap your card again');
    }
    return { session, resident };
  }

  #settingsOf(resident: SignInResident): ResidentPanelSettings {
    const bellText = this.#d.lookup.ownBellTexts(resident.id)[0];
    return {
      name: resident.name,
      // As the directory shows it (device/intercom/directory.ts): a resident-wide name wins.
      displayName: bellText === undefined ? null : (resident.displayName ?? bellText),
      hidden: resident.hidden,
    };
  }

  /** The tap, if it is recent, of a resident's card, and has not signed anyone in yet. */
  #recentTap(tapId: string): { residentId: string; cardId: string } | undefined {
    const now = this.#d.clock.monotonic();
    for (const [id, at] of this.#usedTaps) if (now - at > SIGN_IN_TAP_MAX_AGE_MS) this.#usedTaps.delete(id);
    if (this.#usedTaps.has(tapId)) return undefined;
    const tap = this.#d.recentTaps.get(tapId);
    // A refused tap names nobody: only a granted one carries its resident and card.
    if (!tap?.residentId || !tap.cardId || this.#d.clock.now() - tap.at > SIGN_IN_TAP_MAX_AGE_MS)
      return undefined;
    return { residentId: tap.residentId, cardId: tap.cardId };
  }

  /** The card's resident when the card is theirs, active and valid now and they are active. */
  #usableCard(cardId: string, residentId: string): SignInResident | undefined {
    const card = this.#d.lookup.card(cardId);
    const now = this.#d.clock.now();
    const valid =
      card?.status === 'active' &&
      card.residentId === residentId &&
      (card.validFrom === null || card.validFrom <= now) &&
      (card.validUntil === null || now < card.validUntil);
    const resident = valid ? this.#d.lookup.resident(residentId) : undefined;
    return resident?.status === 'active' ? resident : undefined;
  }

  /** Audits a refused sign-in and throws the error the caller gets. */
  #refuse(
    reason: SignInRefusal,
    detail: { residentId?: string; failures?: number; retryAfterS?: number },
    error: Error,
  ): never {
    this.#d.audit.append({ type: 'resident.panel_sign_in_refused', data: { reason, ...detail } });
    this.#d.logger.info({ reason, residentId: detail.residentId }, 'resident sign-in at the panel refused');
    throw error;
  }
}
