import { MAX_PULSE_MS, MIN_PULSE_MS } from '../../cloud-sync/protocol/door-pulse.ts';
import { ValidationError } from '../../lib/errors.ts';
import { UNLOCK_KINDS, type UnlockCause } from './types.ts';

/**
 * Checks an unlock request before anything is written or driven, and returns the bounded pulse length.
 * A non-finite length is refused rather than clamped: NaN would slip through Math.min/max and become a
 * timer that never (or instantly) fires.
 */
export function checkUnlockCause(cause: UnlockCause, defaultPulseMs: number): number {
  if (!UNLOCK_KINDS.includes(cause.kind))
    throw new ValidationError(`unknown unlock kind "${String(cause.kind)}"`);
  if (!Number.isSafeInteger(cause.eventSeq) || cause.eventSeq <= 0) {
    throw new ValidationError('unlock needs the seq of the audit event that recorded the decision');
  }
  const ms = cause.ms ?? defaultPulseMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms))
    throw new ValidationError('pulse length must be a finite number');
  return Math.min(MAX_PULSE_MS, Math.max(MIN_PULSE_MS, Math.round(ms)));
}
