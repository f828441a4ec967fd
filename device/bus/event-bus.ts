/**
 * The panel's typed event bus. Modules publish what happened; the API's live feed (and later sync and the
 * UI) subscribe. Built on SafeEmitter, so a failing subscriber is logged and cannot break the publisher
 * or the other subscribers — the card-tap path must never fail because a listener did.
 */
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AccessDecision } from '../access/types.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { DoorStateView } from '../door/door-state.ts';

export type PanelEvents = {
  audit: AuditEvent;
  'access.decided': AccessDecision;
  'door.changed': DoorStateView;
};

export class EventBus extends SafeEmitter<PanelEvents> {
  constructor(logger: Logger) {
    super((event, err) => logger.error({ event, err }, 'event bus listener failed'));
  }
}
