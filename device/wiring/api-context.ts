/** Implements the local API's view of the panel on top of the running modules. */

import type { PanelHealth } from '../../cloud-sync/protocol/panel-api.ts';
import type { GpioDriver } from '../../hal/gpio/types.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AccessDecision } from '../access/types.ts';
import type { ApiContext } from '../api/context.ts';
import type { AuditEvent, AuditLog } from '../audit/types.ts';
import type { PanelConfig } from '../config/schema.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { Doors } from '../door/doors.ts';
import type { InstallerMode } from '../installer/installer-mode.ts';
import type { IntercomApi } from '../intercom/intercom-api.ts';
import { createSimControls } from '../sim/sim-controls.ts';
import { SpeechService } from '../speech/speech-service.ts';
import { createCardFeedback } from '../taps/card-feedback.ts';
import type { CardTaps } from '../taps/card-taps.ts';
import { RecentTaps } from '../taps/recent-taps.ts';

export function createApiContext(deps: {
  config: PanelConfig;
  clock: Clock;
  audit: AuditLog;
  doors: Doors;
  opener: DoorOpener;
  taps: CardTaps;
  gpio: GpioDriver;
  readers: CardReaderDriver;
  startedAt: number;
  /** Whether audit writes reach the disk (store.storageHealth). */
  storage: () => PanelHealth['storage'];
  intercom?: IntercomApi | undefined;
  installer?: InstallerMode | undefined;
  /** Every audit event as it is written (the event bus's `audit`); the directory stream listens here. */
  onAudit?: ((listener: (event: AuditEvent) => void) => () => void) | undefined;
  /** Every access decision (the event bus's `access.decided`): the screen's card feedback. */
  onAccessDecided?: ((listener: (decision: AccessDecision) => void) => () => void) | undefined;
  logger: Logger;
}): ApiContext {
  const { config, clock, audit, doors } = deps;
  const recentTaps = new RecentTaps({ clock });
  const cardFeedback = deps.onAccessDecided
    ? createCardFeedback({
        onDecided: deps.onAccessDecided,
        recentTaps,
        doorName: (doorId) => doors.get(doorId)?.state().name,
        clock,
        logger: deps.logger,
      })
    : undefined;
  return {
    intercom: deps.intercom,
    installer: deps.installer,
    recentTaps,
    onCardFeedback: cardFeedback?.onFeedback,
    speech: new SpeechService({ logger: deps.logger }),
    onConfigApplied: deps.onAudit
      ? (listener) =>
          deps.onAudit!((event) => {
            if (event.type === 'config.applied') listener();
          })
      : undefined,
    health: () => {
      const storage = deps.storage();
      const readersOk = deps.readers.attachedReaders().length >= config.readers.length;
      return {
        status: readersOk && storage.state === 'ok' ? 'ok' : 'degraded',
        panelId: config.panel.id,
        panelName: config.panel.name,
        uptimeS: Math.round((clock.monotonic() - deps.startedAt) / 1000),
        lastSeq: audit.lastSeq(),
        readers: deps.readers.attachedReaders(),
        storage,
      };
    },
    doors: () =>
      doors.all().map((d) => {
        const s = d.state();
        return { id: s.id, name: s.name, locked: s.locked, open: s.open, alarms: s.alarms };
      }),
    events: (after, limit) => audit.after(after, limit),
    unlockDoor: (doorId, requestedBy, pulseMs) => {
      if (!doors.get(doorId))
        throw new NotFoundError(
          `no door "${doorId}"; doors: ${doors
            .all()
            .map((d) => d.id)
            .join(', ')}`,
        );
      // The request is the decision: it and door.unlocked commit together before the relay moves.
      const result = deps.opener.openOne(
        { type: 'api.unlock_requested', doorId, data: { requestedBy, pulseMs } },
        doorId,
        pulseMs,
      );
      return { seq: result.seq, pulseMs: result.pulseMs };
    },
    installerToken: config.api.installerToken,
    readToken: config.api.readToken,
    sim: createSimControls({ ...deps, decisions: deps.taps }),
  };
}
