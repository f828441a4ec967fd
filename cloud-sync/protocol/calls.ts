/**
 * Call signaling between a panel and residents' app devices (MQTT protocol v1).
 *
 * Topics, per panel and app device:
 *   portvakt/v1/devices/{deviceId}/calls/to/{appDeviceId}    panel → app device
 *   portvakt/v1/devices/{deviceId}/calls/from/{appDeviceId}  app device → panel
 * An app device logs in to the broker with its app device id as username, and the broker ACL lets it
 * read only `…/calls/to/%u` and write only `…/calls/from/%u`. So the topic a message arrives on proves
 * which app device sent it; the panel maps the device to its resident with the synced directory and
 * accepts the message only from a resident this call rang. A panel publishes only under its own subtree,
 * as for every other leaf.
 */
import { z } from 'zod';
import { iceCandidateSchema } from './ice.ts';
import { DEVICE_ID_PATTERN, PROTOCOL_VERSION, TOPIC_ROOT } from './topics.ts';

/** App device ids are broker usernames and topic levels: the device-id form. */
export const APP_DEVICE_ID_PATTERN = DEVICE_ID_PATTERN;

export type CallDirection = 'to' | 'from';

export const CALL_CHANNELS = {
  to: 'panel → app device: ring, offer, candidates, ringing stopped, connected, ended, door result',
  from: 'app device → panel: answer, candidates, accept, decline, hang up, video on/off, open the door',
} as const;

function checkId(what: string, pattern: RegExp, value: string): void {
  if (!pattern.test(value)) throw new Error(`invalid ${what} "${value}"`);
}

export function callTopic(deviceId: string, direction: CallDirection, appDeviceId: string): string {
  checkId('device id', DEVICE_ID_PATTERN, deviceId);
  checkId('app device id', APP_DEVICE_ID_PATTERN, appDeviceId);
  return `${TOPIC_ROOT}/devices/${deviceId}/calls/${direction}/${appDeviceId}`;
}

/** What a panel subscribes to: every app device's messages to it. */
export function panelCallFilter(deviceId: string): string {
  checkId('device id', DEVICE_ID_PATTERN, deviceId);
  return `${TOPIC_ROOT}/devices/${deviceId}/calls/from/+`;
}

/** What an app device subscribes to: every panel's messages to it. */
export function appDeviceCallFilter(appDeviceId: string): string {
  checkId('app device id', APP_DEVICE_ID_PATTERN, appDeviceId);
  return `${TOPIC_ROOT}/devices/+/calls/to/${appDeviceId}`;
}

export function parseCallTopic(
  topic: string,
): { deviceId: string; direction: CallDirection; appDeviceId: string } | undefined {
  const parts = topic.split('/');
  if (parts.length !== 7 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  const [, , devices, deviceId, calls, direction, appDeviceId] = parts;
  if (devices !== 'devices' || calls !== 'calls') return undefined;
  if (direction !== 'to' && direction !== 'from') return undefined;
  if (!DEVICE_ID_PATTERN.test(deviceId!) || !APP_DEVICE_ID_PATTERN.test(appDeviceId!)) return undefined;
  return { deviceId: deviceId!, direction, appDeviceId: appDeviceId! };
}

const protocol = z.literal(PROTOCOL_VERSION).describe('protocol version');
const epochMs = z.number().int().min(0).max(8.64e15);
/** Call ids are the panel's (a UUIDv7); the local API checks the ids it is given against the same form. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const callId = z.string().regex(CALL_ID_PATTERN, 'must be 8-64 chars of A-Z, a-z, 0-9, "_" or "-"');
const id = z.string().min(1).max(128);
const sdp = z
  .string()
  .min(10)
  .max(32_768)
  .describe('an SDP; candidates gathered later follow as candidate messages (trickle ICE)');
/** A visitor snapshot: a small JPEG as a data URI (the panel scales it to at most 320x240). */
export const SNAPSHOT_MAX_CHARS = 65_536;
const snapshot = z
  .string()
  .max(SNAPSHOT_MAX_CHARS)
  .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/, 'must be a base64 JPEG data URI');

export const STOP_REASONS = [
  'answered_elsewhere',
  'next_resident',
  'timeout',
  'cancelled',
  'declined',
] as const;
export const END_REASONS = [
  'resident_hung_up',
  'visitor_hung_up',
  'answered_elsewhere',
  'timeout',
  'media_failed',
  'panel_stopped',
] as const;
export const RINGTONES = ['classic', 'chime', 'bell', 'marimba', 'soft'] as const;

const base = { protocol, callId };

/** Panel → app device. `sentAt` is the panel's clock, for latency figures only. */
export const panelCallMessage = z.discriminatedUnion('type', [
  z
    .object({
      ...base,
      type: z.literal('ring'),
      sentAt: epochMs,
      bellId: id,
      bellText: z.string().min(1).max(200).describe('what the visitor pressed, as shown on the panel'),
      panelName: z.string().min(1).max(200),
      residentId: id.describe('the resident this app device rings for'),
      ringtone: z.enum(RINGTONES),
      ringUntil: epochMs.describe('the ringing stops by then if nobody answers'),
      snapshot: snapshot.nullable(),
      offer: sdp
        .optional()
        .describe("the panel's offer, when it was ready at ring time; without it an offer message follows"),
    })
    .strict(),
  z.object({ ...base, type: z.literal('offer'), sdp }).strict(),
  z.object({ ...base, type: z.literal('candidate'), candidate: iceCandidateSchema }).strict(),
  z.object({ ...base, type: z.literal('stop'), reason: z.enum(STOP_REASONS) }).strict(),
  z.object({ ...base, type: z.literal('connected'), sentAt: epochMs }).strict(),
  z.object({ ...base, type: z.literal('ended'), reason: z.enum(END_REASONS) }).strict(),
  z
    .object({
      ...base,
      type: z.literal('door'),
      doorId: id,
      result: z.enum(['opened', 'refused']),
      reason: z.string().max(200).optional(),
    })
    .strict(),
  z
    .object({
      ...base,
      type: z.literal('refused'),
      reason: z.string().min(1).max(500).describe('why the panel did not accept the app device message'),
    })
    .strict(),
]);

/** App device → panel. */
export const appCallMessage = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('answer'), sdp }).strict(),
  z.object({ ...base, type: z.literal('candidate'), candidate: iceCandidateSchema }).strict(),
  z.object({ ...base, type: z.literal('accept'), video: z.boolean().describe('false: audio only') }).strict(),
  z.object({ ...base, type: z.literal('decline') }).strict(),
  z.object({ ...base, type: z.literal('hangup') }).strict(),
  z.object({ ...base, type: z.literal('video'), enabled: z.boolean() }).strict(),
  z.object({ ...base, type: z.literal('open') }).strict(),
]);

export type PanelCallMessage = z.output<typeof panelCallMessage>;
export type PanelCallMessageInput = z.input<typeof panelCallMessage>;
export type AppCallMessage = z.output<typeof appCallMessage>;
export type AppCallMessageInput = z.input<typeof appCallMessage>;
export type StopReason = (typeof STOP_REASONS)[number];
export type EndReason = (typeof END_REASONS)[number];
export type Ringtone = (typeof RINGTONES)[number];

export const callMessageSchemas = { to: panelCallMessage, from: appCallMessage } as const;

/** The call id of a message that failed validation, when it has a usable one (to answer `refused`). */
export function callIdOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const parsed = callId.safeParse((value as { callId?: unknown }).callId);
  return parsed.success ? parsed.data : undefined;
}
