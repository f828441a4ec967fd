/** What cloud sync needs from the panel (shared by the module and its lazily loaded start). */
import type { CallLink } from '../../cloud-sync/agent/link.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { EventBus } from '../bus/event-bus.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { Store } from '../store/store.ts';
import type { CardEnrolment } from '../taps/card-enrolment.ts';
import type { Updater } from '../update/updater.ts';

export interface SyncModuleDeps {
  store: Store;
  audit: AuditLog;
  bus: EventBus;
  /** Carries out signed door.open commands. */
  opener: DoorOpener;
  /** Carries out signed card.enrol commands. */
  enrolment: CardEnrolment;
  clock: Clock;
  logger: Logger;
  /** Call signaling rides on the sync connection: attached when sync starts, detached when it stops. */
  calls?: { attach(link: CallLink): void; detach(): void } | undefined;
  /** Carries out signed update.install commands; absent: they are refused. */
  updater?: Updater | undefined;
}
