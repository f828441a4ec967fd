/** What the Home Assistant module needs from the panel (wired in device/main.ts). */
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditEvent, AuditLog } from '../audit/types.ts';
import type { DoorConfig, ReaderConfig } from '../config/schema.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { DoorState } from '../door/types.ts';

export interface HaDoor {
  state(): DoorState;
  on(event: 'change', listener: (state: DoorState) => void): () => void;
}

export interface HomeAssistantDeps {
  panelId: string;
  panelName: string;
  doorConfigs: readonly DoorConfig[];
  readerConfigs: readonly ReaderConfig[];
  doors: { get(doorId: string): HaDoor | undefined; all(): HaDoor[] };
  /** The one door-open path (every cause opens through it). */
  opener: Pick<DoorOpener, 'has' | 'openOne'>;
  audit: AuditLog;
  /** Committed audit events, as the panel's bus announces them. Returns the unsubscribe. */
  onAudit: (listener: (event: AuditEvent) => void) => () => void;
  /** The bell's text as the screen shows it to anyone; undefined for a bell the directory hides. */
  bellName: (bellId: string) => string | undefined;
  clock: Clock;
  logger: Logger;
  /** Reconnect backoff; tests shorten it. */
  reconnectBackoff?: { initialMs: number; maxMs: number } | undefined;
}
