/**
 * An access decision: the one schema from which the decider's type, the tap's audit payload and the
 * simulator's tap reply (and its OpenAPI document) derive.
 */
import { z } from 'zod';

export const DENY_REASONS = [
  'invalid_uid',
  /** Secure card modes: the card could not prove the building's key, or read back another credential. */
  'card_not_authentic',
  'unknown_reader',
  'unknown_card',
  'card_blocked',
  'card_revoked',
  'card_not_yet_valid',
  'card_expired',
  'resident_removed',
  'not_allowed_at_door',
  'outside_schedule',
  'not_yet_valid',
  'expired',
  'rate_limited',
] as const;
export type DenyReason = (typeof DENY_REASONS)[number];

export const accessDecisionSchema = z.object({
  granted: z.boolean(),
  /** 'granted' or why not. When several doors are checked, the reason of the most specific refusal. */
  reason: z.enum(['granted', ...DENY_REASONS]),
  readerId: z.string(),
  /** Doors that open (empty when denied). */
  doorIds: z.array(z.string()),
  cardId: z.string().optional(),
  residentId: z.string().optional(),
  /** Keyed hash of the UID: lets logs and events correlate taps without revealing the card number. */
  uidHash: z.string(),
});
export type AccessDecision = z.output<typeof accessDecisionSchema>;
