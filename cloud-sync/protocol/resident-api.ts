/**
 * The hub's resident API (the resident web app's HTTP contract): request bodies the hub validates and
 * replies the browser validates, so both sides share one definition. The app speaks call signaling over
 * MQTT (calls.ts); this API covers login, doors, remote opening and the call log.
 */
import { z } from 'zod';
import { APP_DEVICE_ID_PATTERN, SNAPSHOT_MAX_CHARS } from './calls.ts';

const id = z.string().min(1).max(128);
const text = z.string().min(1).max(200);
const epochMs = z.number().int().min(0).max(8.64e15);
const appDeviceId = z.string().regex(APP_DEVICE_ID_PATTERN, 'not an app device id');

export const residentLoginBody = z
  .object({
    residentId: id,
    password: z.string().min(1).max(200),
    deviceName: z.string().trim().min(1).max(100).describe('shown to the resident and the admin'),
    appDeviceId: appDeviceId
      .optional()
      .describe(
        "the app device this install had (kept across logouts): re-used when it is still this resident's and has no session, so a re-login changes no config panels hold",
      ),
  })
  .strict();

/** A panel of the resident's building: calls are accepted only from these (see ResidentApp). */
export const residentPanel = z.object({ id, name: text, buildingId: id, buildingName: text }).strict();

export const residentProfile = z
  .object({
    residentId: id,
    name: text,
    appDeviceId,
    panels: z.array(residentPanel),
  })
  .strict();

export const mqttCredentials = z
  .object({
    url: z
      .string()
      .regex(/^wss?:\/\//, 'must be a ws:// or wss:// URL')
      .max(500),
    username: appDeviceId,
    password: z.string().min(16).max(200),
    clientId: appDeviceId,
  })
  .strict();

export const residentLoginReply = residentProfile
  .extend({
    token: z.string().min(32).max(200).describe('bearer token for the /api/v1/resident/ routes'),
    mqtt: mqttCredentials.nullable().describe('null when the hub has no WebSocket broker URL configured'),
  })
  .strict();

export const residentDoor = z
  .object({
    doorId: id,
    doorName: text,
    panelId: id,
    panelName: text,
    buildingId: id,
    buildingName: text,
    allowedNow: z.boolean().describe('inside the access rule validity and time profile right now'),
    reason: z.string().max(300).nullable().describe('why not, when allowedNow is false'),
  })
  .strict();

export const residentDoorsReply = z.object({ doors: z.array(residentDoor) }).strict();

export const residentOpenReply = z
  .object({ nonce: z.string().min(1).max(64), panelId: id, expiresAt: epochMs })
  .strict();

export const residentCommandReply = z
  .object({
    nonce: z.string().min(1).max(64),
    doorId: id,
    status: z.enum(['sent', 'done', 'refused', 'failed', 'expired']),
    reason: z.string().nullable(),
  })
  .strict();

export const CALL_LOG_OUTCOMES = [
  'answered',
  'answered_by_other',
  'declined',
  'missed',
  'fallback',
  'in_progress',
] as const;

/**
 * How a call to the resident's phone (the SIP fallback) went: the panel's `call.phone_ended` outcome, or
 * `calling` while it dials or rings.
 */
export const PHONE_CALL_OUTCOMES = [
  'calling',
  'answered',
  'busy',
  'declined',
  'no_answer',
  'failed',
  'cancelled',
] as const;

export const phoneCallLogPart = z
  .object({
    outcome: z.enum(PHONE_CALL_OUTCOMES),
    /** A digit pressed on the phone opened the door. */
    doorOpened: z.boolean(),
    durationMs: z.number().int().min(0).nullable(),
  })
  .strict();

export const callLogEntry = z
  .object({
    callId: z.string().min(1).max(64),
    panelId: id,
    panelName: z.string().max(200),
    bellId: id.nullable(),
    bellText: z.string().max(200).nullable(),
    startedAt: epochMs.describe("the panel's clock"),
    outcome: z.enum(CALL_LOG_OUTCOMES).describe("from this resident's point of view"),
    answeredByDevice: z.string().max(128).nullable(),
    durationMs: z.number().int().min(0).nullable(),
    snapshot: z
      .string()
      .max(SNAPSHOT_MAX_CHARS)
      .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/)
      .nullable()
      .describe('the visitor picture, a JPEG data URI'),
    phone: phoneCallLogPart
      .nullable()
      .default(null)
      .describe("the call to the resident's phone, when the panel called it (phone fallback)"),
  })
  .strict();

export const callLogReply = z.object({ calls: z.array(callLogEntry) }).strict();

export const callLogQuery = z
  .object({ limit: z.coerce.number().int('must be an integer').min(1).max(200).default(50) })
  .strict();

export type ResidentLoginBody = z.output<typeof residentLoginBody>;
export type ResidentPanel = z.output<typeof residentPanel>;
export type ResidentProfile = z.output<typeof residentProfile>;
export type ResidentLoginReply = z.output<typeof residentLoginReply>;
export type MqttCredentials = z.output<typeof mqttCredentials>;
export type ResidentDoor = z.output<typeof residentDoor>;
export type ResidentOpenReply = z.output<typeof residentOpenReply>;
export type ResidentCommandReply = z.output<typeof residentCommandReply>;
export type CallLogEntry = z.output<typeof callLogEntry>;
export type CallLogOutcome = (typeof CALL_LOG_OUTCOMES)[number];
export type PhoneCallOutcome = (typeof PHONE_CALL_OUTCOMES)[number];
export type PhoneCallLogPart = z.output<typeof phoneCallLogPart>;
