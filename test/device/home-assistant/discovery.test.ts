/**
 * The discovery payloads against Home Assistant's documented schemas, without a broker; and the schemas
 * themselves refuse what Home Assistant does not document, so the broker test's check is not vacuous.
 */
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../device/config/load.ts';
import { discoveryMessages } from '../../../device/home-assistant/discovery.ts';
import { HaTopics } from '../../../device/home-assistant/topics.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import { expandAbbreviations, HA_SCHEMAS } from '../../support/home-assistant-schemas.ts';

const config = validateConfig(
  demoConfig({ storePath: '/nonexistent/panel.db', port: 0, installerToken: 'x'.repeat(24) }),
);
const topics = new HaTopics({
  topicPrefix: 'portvakt',
  discoveryPrefix: 'homeassistant',
  panelId: 'demo-panel',
});
const messages = discoveryMessages(
  { panelId: 'demo-panel', panelName: 'Entrance A', swVersion: '1.2.3' },
  config.doors,
  topics,
);
const componentOf = (topic: string) => topic.split('/')[1] as keyof typeof HA_SCHEMAS;
const lock = messages.find((m) => componentOf(m.topic) === 'lock')!.payload;

describe('discovery payloads', () => {
  it('are valid for their component, on topics Home Assistant reads', () => {
    for (const m of messages) {
      expect(m.topic).toMatch(
        /^homeassistant\/(lock|binary_sensor|event|image)\/demo-panel\/[A-Za-z0-9_-]+\/config$/,
      );
      expect(HA_SCHEMAS[componentOf(m.topic)].safeParse(m.payload).error?.issues ?? [], m.topic).toEqual([]);
    }
  });

  it('fail the schema with an undocumented key, a missing required one, or a bad device', () => {
    expect(HA_SCHEMAS.lock.safeParse({ ...lock, payload_toggle: 'X' }).success).toBe(false);
    const { command_topic: _, ...noCommand } = lock;
    expect(HA_SCHEMAS.lock.safeParse(noCommand).success).toBe(false);
    expect(HA_SCHEMAS.lock.safeParse({ ...lock, device: { name: 'no identifiers' } }).success).toBe(false);
    expect(HA_SCHEMAS.lock.safeParse({ ...lock, availability: [{ topic: 'a' }] }).success).toBe(false);
    expect(HA_SCHEMAS.event.safeParse({ state_topic: 'a', event_types: [] }).success).toBe(false);
    expect(HA_SCHEMAS.image.safeParse({ image_topic: 'a', url_topic: 'b' }).success).toBe(false);
    expect(HA_SCHEMAS.binary_sensor.safeParse({ state_topic: 'a', device_class: 'doorbell' }).success).toBe(
      false,
    );
  });

  it('accepts Home Assistant’s abbreviations once expanded', () => {
    const short = {
      cmd_t: 'a/set',
      stat_t: 'a',
      uniq_id: 'u',
      dev: { ids: ['d'], mf: 'm' },
      pl_open: 'OPEN',
    };
    expect(HA_SCHEMAS.lock.safeParse(expandAbbreviations(short)).success).toBe(true);
  });
});
