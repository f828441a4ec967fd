/**
 * Card feedback for the screen: each tap's decision, as the visitor may see it. Built synchronously in
 * the bus's `access.decided` (after the relays moved), so the page hears it within the same tick.
 *
 * What leaves here is deliberately poor: granted or not, and which doors opened by name. Never the
 * refusal's reason (a stranger must not learn that a card was revoked rather than unknown), never a
 * resident's name, never the UID or its hash; the tapId is random and the link from it to a resident
 * stays on the panel (recent-taps.ts).
 */
import type { CardFeedback } from '../../cloud-sync/protocol/panel-api.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AccessDecision } from '../access/types.ts';
import type { RecentTaps } from './recent-taps.ts';

export interface CardFeedbackSource {
  /** Calls `listener` at each tap's decision; returns the unsubscribe. */
  onFeedback(listener: (feedback: CardFeedback) => void): () => void;
}

export function createCardFeedback(deps: {
  /** The bus's `access.decided`. */
  onDecided: (listener: (decision: AccessDecision) => void) => () => void;
  recentTaps: RecentTaps;
  /** A door's shown name; undefined for a door not on this panel (left out). */
  doorName: (doorId: string) => string | undefined;
  clock: Clock;
  logger: Logger;
}): CardFeedbackSource & { stop(): void } {
  const events = new SafeEmitter<{ feedback: CardFeedback }>((event, err) =>
    deps.logger.error({ event, err }, 'card feedback listener failed'),
  );
  const stop = deps.onDecided((decision) => {
    // A repeated tap changes nothing at the door; the screen still shows the first one.
    if (decision.reason === 'rate_limited') return;
    const tapId = deps.recentTaps.remember(decision);
    const doors: CardFeedback['doors'] = [];
    if (decision.granted)
      for (const id of decision.doorIds) {
        const name = deps.doorName(id);
        if (name !== undefined) doors.push({ id, name });
      }
    events.emit('feedback', { tapId, at: deps.clock.now(), granted: decision.granted, doors });
  });
  return { onFeedback: (listener) => events.on('feedback', listener), stop };
}
