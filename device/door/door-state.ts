/**
 * A door's state as the controller reports it: the one schema from which the controller's type, the event
 * bus payload and the local API's `GET /api/v1/doors` reply (and its OpenAPI document) derive.
 */
import { z } from 'zod';

export const DOOR_ALARMS = ['forced_open', 'held_open', 'tamper', 'relay_fault'] as const;
export const doorAlarmSchema = z.enum(DOOR_ALARMS);
export type DoorAlarm = z.output<typeof doorAlarmSchema>;

export const doorStateSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** What the relay driver reports, mapped through failMode (not merely what was last commanded). */
  locked: z.boolean(),
  /** null when the door has no contact (or its level is not known yet). */
  open: z.boolean().nullable().describe('null when the door has no contact'),
  alarms: z.array(doorAlarmSchema),
  /** Wall time (ms since epoch) the current unlock pulse ends; absent while locked. */
  unlockedUntil: z.number().int().optional(),
});
export type DoorState = z.output<typeof doorStateSchema>;

/** What the API and the event bus show of a door: its state without the pulse's end time. */
export const doorStateView = doorStateSchema.omit({ unlockedUntil: true });
export type DoorStateView = z.output<typeof doorStateView>;
