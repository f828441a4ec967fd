export type DenyReason =
  | 'invalid_uid'
  | 'unknown_reader'
  | 'unknown_card'
  | 'card_blocked'
  | 'card_revoked'
  | 'card_not_yet_valid'
  | 'card_expired'
  | 'resident_removed'
  | 'not_allowed_at_door'
  | 'outside_schedule'
  | 'not_yet_valid'
  | 'expired'
  | 'rate_limited';

export interface AccessDecision {
  granted: boolean;
  /** 'granted' or why not. When several doors are checked, the reason of the most specific refusal. */
  reason: 'granted' | DenyReason;
  readerId: string;
  /** Doors that open (empty when denied). */
  doorIds: string[];
  cardId?: string | undefined;
  residentId?: string | undefined;
  /** Keyed hash of the UID: lets logs and events correlate taps without revealing the card number. */
  uidHash: string;
}
