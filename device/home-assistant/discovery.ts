/**
 * Home Assistant's MQTT discovery messages for one panel: a device block shared by every entity, one
 * availability topic, and per door a lock, its contact and its alarms as binary sensors; for the panel a
 * doorbell event, a card event and the visitor picture. Full key names (no abbreviations): the payloads
 * are small and read better in a broker browser. test/support/home-assistant-schemas.ts holds Home
 * Assistant's documented schemas the tests check these against.
 */
import type { DoorConfig } from '../config/schema.ts';
import type { DoorAlarm } from '../door/types.ts';
import type { HaComponent, HaTopics } from './topics.ts';

export const LOCK_PAYLOADS = { lock: 'LOCK', unlock: 'UNLOCK', open: 'OPEN' } as const;
export const LOCK_STATES = { locked: 'LOCKED', unlocked: 'UNLOCKED' } as const;
export const BINARY_PAYLOADS = { on: 'ON', off: 'OFF' } as const;
export const CARD_EVENT_TYPES = ['card_granted', 'card_denied'] as const;
export const BELL_EVENT_TYPES = ['ring'] as const;

export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

export interface PanelIdentity {
  panelId: string;
  panelName: string;
  swVersion: string;
}

/** Alarms a door can raise with the inputs it has, and how Home Assistant should show each. */
export function doorAlarms(door: DoorConfig): { alarm: DoorAlarm; deviceClass: 'problem' | 'tamper' }[] {
  return [
    ...(door.doorContact
      ? [
          { alarm: 'forced_open' as const, deviceClass: 'problem' as const },
          { alarm: 'held_open' as const, deviceClass: 'problem' as const },
        ]
      : []),
    ...(door.tamper ? [{ alarm: 'tamper' as const, deviceClass: 'tamper' as const }] : []),
    { alarm: 'relay_fault', deviceClass: 'problem' },
  ];
}

const ALARM_NAMES: Record<DoorAlarm, string> = {
  forced_open: 'forced open',
  held_open: 'held open',
  tamper: 'tamper',
  relay_fault: 'relay fault',
};

export function discoveryMessages(
  panel: PanelIdentity,
  doors: readonly DoorConfig[],
  topics: HaTopics,
): DiscoveryMessage[] {
  const common = (objectId: string) => ({
    unique_id: `portvakt_${panel.panelId}_${objectId}`,
    availability_topic: topics.availability,
    payload_available: 'online',
    payload_not_available: 'offline',
    device: {
      identifiers: [`portvakt_${panel.panelId}`],
      name: panel.panelName,
      manufacturer: 'portvakt',
      model: 'portvakt door panel',
      sw_version: panel.swVersion,
    },
    origin: { name: 'portvakt', sw_version: panel.swVersion },
  });
  const message = (component: HaComponent, objectId: string, entity: Record<string, unknown>) => ({
    topic: topics.discovery(component, objectId),
    payload: { ...common(objectId), ...entity },
  });
  const out: DiscoveryMessage[] = [];
  for (const door of doors) {
    out.push(
      message('lock', `${door.id}_lock`, {
        name: door.name,
        command_topic: topics.lockCommand(door.id),
        state_topic: topics.lockState(door.id),
        payload_lock: LOCK_PAYLOADS.lock,
        payload_unlock: LOCK_PAYLOADS.unlock,
        payload_open: LOCK_PAYLOADS.open,
        state_locked: LOCK_STATES.locked,
        state_unlocked: LOCK_STATES.unlocked,
        optimistic: false,
        retain: false,
        qos: 1,
      }),
    );
    if (door.doorContact)
      out.push(
        message('binary_sensor', `${door.id}_contact`, {
          name: `${door.name} contact`,
          state_topic: topics.contact(door.id),
          device_class: 'door',
          payload_on: BINARY_PAYLOADS.on,
          payload_off: BINARY_PAYLOADS.off,
          qos: 1,
        }),
      );
    for (const { alarm, deviceClass } of doorAlarms(door))
      out.push(
        message('binary_sensor', `${door.id}_${alarm}`, {
          name: `${door.name} ${ALARM_NAMES[alarm]}`,
          state_topic: topics.alarm(door.id, alarm),
          device_class: deviceClass,
          payload_on: BINARY_PAYLOADS.on,
          payload_off: BINARY_PAYLOADS.off,
          qos: 1,
        }),
      );
  }
  out.push(
    message('event', 'doorbell', {
      name: 'Doorbell',
      state_topic: topics.doorbell,
      device_class: 'doorbell',
      event_types: [...BELL_EVENT_TYPES],
      qos: 1,
    }),
    message('event', 'cards', {
      name: 'Card',
      state_topic: topics.cards,
      event_types: [...CARD_EVENT_TYPES],
      icon: 'mdi:card-account-details',
      qos: 1,
    }),
    message('image', 'visitor', {
      name: 'Visitor',
      image_topic: topics.visitorImage,
      // The picture is raw JPEG bytes on the topic (no image_encoding); image entities take no qos.
      content_type: 'image/jpeg',
    }),
  );
  return out;
}
