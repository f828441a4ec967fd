/** What the intercom needs from the panel (shared by the module and its lazily loaded start). */
import type { DirectoryReply } from '../../cloud-sync/protocol/panel-api.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { CallChannel } from './call-channel.ts';
import type { IntercomDirectory } from './ports.ts';

export interface IntercomDeps {
  panelId: string;
  panelName: string;
  /** The folder beside the panel's database (the phone prompts are cached there). */
  dataDir: string;
  directory: IntercomDirectory & {
    directoryReply(panelName: string, now: number): DirectoryReply;
    building(): { name: string; phonePrompt: string | null; phoneOpenDigits: string } | undefined;
  };
  channel: CallChannel;
  /** Opens the call's door for the resident who answered. */
  opener: DoorOpener;
  /** A door's shown name on this panel (the screen names the door a call opened). */
  doorName: (doorId: string) => string | undefined;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
}
