import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allDevicesTopic,
  DEVICE_LEAVES,
  type DeviceLeaf,
  deviceTopic,
  parseDeviceTopic,
  TOPIC_ROOT,
} from '../../../cloud-sync/protocol/topics.ts';

const LEAVES = Object.keys(DEVICE_LEAVES) as DeviceLeaf[];

/** Device ids the pattern allows: lower-case alphanumerics, `_` and `-`, not leading, 1–63 characters. */
const deviceId = fc
  .tuple(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-'), maxLength: 62 }),
  )
  .map(([first, rest]) => first + rest);

describe('topic builders', () => {
  it('build every leaf under the device subtree', () => {
    expect(deviceTopic('panel-1', 'state')).toBe('portvakt/v1/devices/panel-1/state');
    expect(deviceTopic('panel-1', 'config/desired')).toBe('portvakt/v1/devices/panel-1/config/desired');
    expect(deviceTopic('a', 'commands/result')).toBe('portvakt/v1/devices/a/commands/result');
    expect(allDevicesTopic('events')).toBe('portvakt/v1/devices/+/events');
    expect(allDevicesTopic('events/ack')).toBe('portvakt/v1/devices/+/events/ack');
  });

  it('refuse device ids that would escape or widen the subtree', () => {
    for (const bad of ['', 'Panel', 'a+', '+', '#', 'a/b', 'a#', '-a', '_a', 'a b', 'x'.repeat(64)]) {
      expect(() => deviceTopic(bad, 'state'), bad).toThrow(/invalid device id/);
    }
  });

  it('accept the longest allowed id (63 characters)', () => {
    const id = 'x'.repeat(63);
    expect(deviceTopic(id, 'state')).toBe(`${TOPIC_ROOT}/devices/${id}/state`);
  });
});

describe('parseDeviceTopic', () => {
  it('round-trips every leaf', () => {
    for (const leaf of LEAVES) {
      expect(parseDeviceTopic(deviceTopic('door-7_b', leaf))).toEqual({ deviceId: 'door-7_b', leaf });
    }
  });

  it('round-trips arbitrary valid device ids and leaves', () => {
    fc.assert(
      fc.property(deviceId, fc.constantFrom(...LEAVES), (id, leaf) => {
        expect(parseDeviceTopic(deviceTopic(id, leaf))).toEqual({ deviceId: id, leaf });
      }),
    );
  });

  it('rejects other roots', () => {
    for (const topic of [
      'portvakt/v2/devices/p1/state',
      'other/v1/devices/p1/state',
      '/portvakt/v1/devices/p1/state',
      'portvakt/v1/device/p1/state',
      'Portvakt/v1/devices/p1/state',
      'p1/state',
      '',
    ]) {
      expect(parseDeviceTopic(topic), topic).toBeUndefined();
    }
  });

  it('rejects bad device ids', () => {
    for (const id of ['Panel1', 'PANEL', '+', '#', 'a+b', 'a#', '', 'x'.repeat(64), '-p', 'p 1', 'p.1']) {
      expect(parseDeviceTopic(`portvakt/v1/devices/${id}/state`), id).toBeUndefined();
    }
    // A slash in the id shifts the rest into the leaf, which then names no leaf.
    expect(parseDeviceTopic('portvakt/v1/devices/a/b/state')).toBeUndefined();
    expect(parseDeviceTopic('portvakt/v1/devices//state')).toBeUndefined();
    expect(parseDeviceTopic('portvakt/v1/devices/state')).toBeUndefined();
  });

  it('rejects unknown leaves', () => {
    for (const leaf of [
      '',
      'State',
      'config',
      'config/',
      'config/desired/',
      'events/ack/x',
      '#',
      '+',
      'toString',
    ]) {
      expect(parseDeviceTopic(`portvakt/v1/devices/p1/${leaf}`), leaf).toBeUndefined();
    }
    expect(parseDeviceTopic('portvakt/v1/devices/p1')).toBeUndefined();
  });

  it('never throws for arbitrary strings', () => {
    const prefixed = fc.string({ maxLength: 80 }).map((s) => `${TOPIC_ROOT}/devices/${s}`);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), prefixed), (topic) => {
        const parsed = parseDeviceTopic(topic);
        if (parsed) expect(deviceTopic(parsed.deviceId, parsed.leaf)).toBe(topic);
      }),
      { numRuns: 2000 },
    );
  });
});
