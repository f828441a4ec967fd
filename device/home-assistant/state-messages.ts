/**
 * What the panel tells Home Assistant, as MQTT messages: a door's state (lock, contact, alarms; retained,
 * so Home Assistant starts with the truth), and from the audit stream a doorbell press, a card decision
 * (events, not retained) and the visitor picture (retained: the image entity shows the last one).
 *
 * Card events carry no personal data: whether the card was granted, the doors and reader, and a refusal's
 * reason code — never the UID, its hash, the card id, the resident or a name. A bell press names the bell
 * only by the text the screen itself shows to anyone at the door (`bellName`); a bell the directory hides
 * is announced without it.
 */
import { DENY_REASONS } from '../access/types.ts';
import type { AuditEvent } from '../audit/types.ts';
import type { DoorConfig } from '../config/schema.ts';
import type { DoorState } from '../door/types.ts';
import { BINARY_PAYLOADS, doorAlarms, LOCK_STATES } from './discovery.ts';
import type { HaTopics } from './topics.ts';

export interface HaMessage {
  topic: string;
  payload: string | Buffer;
  retain: boolean;
}

/** A JPEG larger than this is not sent (the intercom records at most 48,000 bytes). */
export const VISITOR_IMAGE_MAX_BYTES = 64 * 1024;

const onOff = (on: boolean) => (on ? BINARY_PAYLOADS.on : BINARY_PAYLOADS.off);

export function doorStateMessages(door: DoorConfig, state: DoorState, topics: HaTopics): HaMessage[] {
  const out: HaMessage[] = [
    {
      topic: topics.lockState(door.id),
      payload: state.locked ? LOCK_STATES.locked : LOCK_STATES.unlocked,
      retain: true,
    },
  ];
  // Unknown (null: not read yet) is left unsaid rather than reported closed.
  if (door.doorContact && state.open !== null)
    out.push({ topic: topics.contact(door.id), payload: onOff(state.open), retain: true });
  for (const { alarm } of doorAlarms(door))
    out.push({
      topic: topics.alarm(door.id, alarm),
      payload: onOff(state.alarms.includes(alarm)),
      retain: true,
    });
  return out;
}

/** The event message an audit event makes, or undefined when Home Assistant is not told about it. */
export function auditEventMessage(
  event: AuditEvent,
  topics: HaTopics,
  lookups: {
    bellName: (bellId: string) => string | undefined;
    /** A refusal names no door it opened: the doors of the reader it was refused at stand in. */
    readerDoors: (readerId: string) => readonly string[];
  },
): HaMessage | undefined {
  const data = event.data;
  switch (event.type) {
    case 'access.granted':
    case 'access.denied': {
      const granted = event.type === 'access.granted';
      const reason = typeof data['reason'] === 'string' ? data['reason'] : undefined;
      const decided = Array.isArray(data['doorIds'])
        ? data['doorIds'].filter((d): d is string => typeof d === 'string')
        : [];
      const doorIds =
        decided.length > 0 || event.readerId === null ? decided : [...lookups.readerDoors(event.readerId)];
      return eventMessage(topics.cards, {
        event_type: granted ? 'card_granted' : 'card_denied',
        door_ids: doorIds,
        reader_id: event.readerId,
        // Only a known reason code goes out: nothing recorded beside it can ride along.
        ...(!granted && reason && (DENY_REASONS as readonly string[]).includes(reason) ? { reason } : {}),
      });
    }
    case 'call.started':
    case 'call.busy': {
      const bellId = typeof data['bellId'] === 'string' ? data['bellId'] : undefined;
      const name = bellId ? lookups.bellName(bellId) : undefined;
      return eventMessage(topics.doorbell, {
        event_type: 'ring',
        ...(name ? { bell: name } : {}),
        busy: event.type === 'call.busy',
      });
    }
    default:
      return undefined;
  }
}

function eventMessage(topic: string, body: Record<string, unknown>): HaMessage {
  return { topic, payload: JSON.stringify(body), retain: false };
}

/** The JPEG of a `call.snapshot` event, or undefined when it is none or too large. */
export function visitorJpeg(event: AuditEvent): Buffer | undefined {
  if (event.type !== 'call.snapshot') return undefined;
  const uri = event.data['snapshot'];
  const prefix = 'data:image/jpeg;base64,';
  if (typeof uri !== 'string' || !uri.startsWith(prefix)) return undefined;
  // Checked before decoding: base64 is 4/3 of the bytes.
  if (uri.length - prefix.length > Math.ceil((VISITOR_IMAGE_MAX_BYTES * 4) / 3)) return undefined;
  const jpeg = Buffer.from(uri.slice(prefix.length), 'base64');
  const complete = jpeg.length > 4 && jpeg[0] === 0xff && jpeg[1] === 0xd8;
  return complete && jpeg.length <= VISITOR_IMAGE_MAX_BYTES ? jpeg : undefined;
}
