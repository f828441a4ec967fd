/**
 * Opening the door from a call: the resident who answered asked for it, in the app or with a digit on
 * the phone, so the decision (`call.door_opened` naming the call, resident and app device, or
 * `call.phone_door_opened` naming the digit and how it came) commits together with the door's
 * `door.unlocked` before the relay moves, through DoorOpener like every other unlock path.
 */
import type { DoorOpener } from '../door/door-opener.ts';
import type { CallDoorOpener } from './ports.ts';

export function callDoorOpener(opener: DoorOpener): CallDoorOpener {
  return {
    openForCall(doorId, by) {
      if (!opener.has(doorId)) return { ok: false, reason: `door "${doorId}" is not on this panel` };
      return opener.tryOpen({ type: 'call.door_opened', doorId, data: { ...by } }, doorId);
    },
    openForPhone(doorId, by) {
      if (!opener.has(doorId)) return { ok: false, reason: `door "${doorId}" is not on this panel` };
      return opener.tryOpen({ type: 'call.phone_door_opened', doorId, data: { ...by, doorId } }, doorId);
    },
  };
}
