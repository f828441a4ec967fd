/**
 * The access decision: given a reader and a card UID, which of the reader's doors open, or why none.
 *
 * Checks run in this order and the first failure is the answer:
 *   invalid_uid → unknown_reader → rate_limited → unknown_card → card_not_authentic → card_revoked →
 *   card_blocked → card_not_yet_valid → card_expired → resident_removed → per-door checks.
 * card_not_authentic: a door of the reader is in a building with a secure card mode, and the card did not
 * prove the building's key and read back the credential enrolled for this UID (a clone of the UID fails
 * here). A card enrolled without a credential passes only where the building still accepts UIDs.
 * Per door served by the reader (any one of the resident's rules for that door may grant it):
 *   rule exists (else not_allowed_at_door) → rule window (not_yet_valid / expired) → schedule
 *   (outside_schedule).
 * The decision grants every door that passes. If none does, the reason is the most specific refusal over
 * all doors and rules, i.e. the one that got furthest:
 *   outside_schedule > not_yet_valid > expired > not_allowed_at_door.
 * Revoked outranks blocked because an administrator's revocation is the decision that stands even if
 * the resident unblocks. Windows are [validFrom, validUntil) in wall time.
 *
 * Synchronous and allocation-light: this runs between a card tap and the relay.
 */

import { localWeekTime } from '../../cloud-sync/protocol/schedule.ts';
import type { SecureCardOutcome } from '../../hal/reader/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { ReaderConfig } from '../config/schema.ts';
import type { AccessLookup, CardLookup, RuleLookup } from '../store/access-lookup.ts';
import { CARD_UID_PATTERN } from '../store/snapshot.ts';
import { TapRateLimiter } from './rate-limit.ts';
import type { AccessDecision, DenyReason } from './types.ts';
import type { UidHash } from './uid-hash.ts';

export type ReaderDoors = ReadonlyMap<string, readonly string[]>;

export interface AccessDeciderOptions {
  store: { readonly access: AccessLookup };
  clock: Clock;
  /** reader id → the doors it opens (config `readers[].doors`). */
  readerDoors: ReaderDoors;
  uidHash: UidHash;
  /** Repeated taps of a card on a reader within this window get `rate_limited`; 0 disables. */
  repeatTapWindowMs: number;
}

// How far a rule got; higher is more specific. GRANTED passes every check.
const NO_RULE = 0;
const EXPIRED = 1;
const NOT_YET_VALID = 2;
const OUTSIDE_SCHEDULE = 3;
const GRANTED = 4;
const RANK_REASON: readonly DenyReason[] = [
  'not_allowed_at_door',
  'expired',
  'not_yet_valid',
  'outside_schedule',
];

export function readerDoorsFromConfig(readers: readonly Pick<ReaderConfig, 'id' | 'doors'>[]): ReaderDoors {
  return new Map(readers.map((r) => [r.id, [...r.doors]]));
}

export class AccessDecider {
  readonly #lookup: AccessLookup;
  readonly #clock: Clock;
  readonly #readerDoors: ReaderDoors;
  readonly #uidHash: UidHash;
  readonly #rateLimiter: TapRateLimiter;

  constructor(options: AccessDeciderOptions) {
    this.#lookup = options.store.access;
    this.#clock = options.clock;
    this.#readerDoors = new Map(options.readerDoors);
    this.#uidHash = options.uidHash;
    this.#rateLimiter = new TapRateLimiter({ clock: options.clock, windowMs: options.repeatTapWindowMs });
  }

  /**
   * Never throws for any readerId/uid strings; errors of the database itself propagate. `secure` is the
   * driver's secure card read, where it made one.
   */
  decide(readerId: string, uid: string, secure?: SecureCardOutcome): AccessDecision {
    const uidText = typeof uid === 'string' ? uid : String(uid);
    const uidHash = this.#uidHash(uidText);
    if (!CARD_UID_PATTERN.test(uidText)) return denied('invalid_uid', readerId, uidHash);
    const doors = this.#readerDoors.get(readerId);
    if (!doors) return denied('unknown_reader', readerId, uidHash);
    if (this.#rateLimiter.isRepeat(readerId, uidText)) return denied('rate_limited', readerId, uidHash);

    const card = this.#lookup.cardByUid(uidText);
    if (!card) return denied('unknown_card', readerId, uidHash);
    const { cardId, residentId } = card;
    if (!this.#authentic(doors, card, secure))
      return denied('card_not_authentic', readerId, uidHash, cardId, residentId);
    if (card.status === 'revoked') return denied('card_revoked', readerId, uidHash, cardId, residentId);
    if (card.status === 'blocked') return denied('card_blocked', readerId, uidHash, cardId, residentId);
    const now = this.#clock.now();
    if (card.validFrom !== null && now < card.validFrom)
      return denied('card_not_yet_valid', readerId, uidHash, cardId, residentId);
    if (card.validUntil !== null && now >= card.validUntil)
      return denied('card_expired', readerId, uidHash, cardId, residentId);
    if (card.residentStatus !== 'active')
      return denied('resident_removed', readerId, uidHash, cardId, residentId);

    const rules = this.#lookup.rulesOf(residentId);
    const doorIds: string[] = [];
    let best = NO_RULE;
    for (const doorId of doors) {
      let door = NO_RULE;
      for (const rule of rules) {
        if (rule.doorId !== doorId) continue;
        const rank = this.#rank(rule, now);
        if (rank > door) door = rank;
        if (door === GRANTED) break;
      }
      if (door === GRANTED) doorIds.push(doorId);
      else if (door > best) best = door;
    }
    if (doorIds.length === 0) return denied(RANK_REASON[best]!, readerId, uidHash, cardId, residentId);
    return { granted: true, reason: 'granted', readerId, doorIds, cardId, residentId, uidHash };
  }

  /** Whether the card is genuine as far as the secure card modes of the reader's doors require. */
  #authentic(doors: readonly string[], card: CardLookup, secure: SecureCardOutcome | undefined): boolean {
    for (const doorId of doors) {
      const policy = this.#lookup.doorCardPolicy(doorId);
      if (!policy || policy.cardMode === 'uid') continue;
      if (card.credential === null) {
        if (policy.cardAcceptUid !== 1) return false;
        continue;
      }
      // The strongest check wins: a card with a credential must prove it wherever a door asks.
      if (!secure?.ok || secure.credential !== card.credential) return false;
    }
    return true;
  }

  #rank(rule: RuleLookup, now: number): number {
    if (rule.validFrom !== null && now < rule.validFrom) return NOT_YET_VALID;
    if (rule.validUntil !== null && now >= rule.validUntil) return EXPIRED;
    if (rule.timeProfileId === null) return GRANTED;
    // A profile always belongs to a building (foreign key); a missing zone would mean a broken row: deny.
    if (rule.timeZone === null) return OUTSIDE_SCHEDULE;
    const local = localWeekTime(now, rule.timeZone);
    return this.#lookup.profileCovers(rule.timeProfileId, local.weekday, local.minute)
      ? GRANTED
      : OUTSIDE_SCHEDULE;
  }
}

function denied(
  reason: DenyReason,
  readerId: string,
  uidHash: string,
  cardId?: string,
  residentId?: string,
): AccessDecision {
  const decision: AccessDecision = { granted: false, reason, readerId, doorIds: [], uidHash };
  if (cardId !== undefined) decision.cardId = cardId;
  if (residentId !== undefined) decision.residentId = residentId;
  return decision;
}
