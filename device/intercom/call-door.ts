/**
 * Opening the door from a call: the resident who answered asked for it, so the decision is recorded
 * (`call.door_opened`, naming the call, resident and app device) before the relay moves, and the unlock
 * cites that record like every other unlock path.
 */
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { UnlockCause, UnlockResult } from '../door/types.ts';
import type { CallDoorOpener } from './ports.ts';

export interface CallDoors {
  get(doorId: string): { unlock(cause: UnlockCause): UnlockResult } | undefined;
}

export function callDoorOpener(doors: CallDoors, audit: AuditLog, logger: Logger): CallDoorOpener {
  return {
    openForCall(doorId, by) {
      const door = doors.get(doorId);
      if (!door) return { ok: false, reason: `door "${doorId}" is not on this panel` };
      let seq: number;
      try {
        seq = audit.append({ type: 'call.door_opened', doorId, data: { ...by } }).seq;
      } catch (err) {
        logger.error({ err: errorMessage(err), doorId }, 'could not record a door opening from a call');
        return { ok: false, reason: 'audit write failed' };
      }
      try {
        door.unlock({ kind: 'intercom', eventSeq: seq });
        return { ok: true };
      } catch (err) {
        return { ok: false, reason: errorMessage(err).slice(0, 200) };
      }
    },
  };
}
