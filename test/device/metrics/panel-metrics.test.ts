import { afterEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../../device/audit/types.ts';
import { EventBus } from '../../../device/bus/event-bus.ts';
import { PanelMetrics } from '../../../device/metrics/panel-metrics.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

// The collectors on the real bus: what the panel publishes becomes counters, gauges read state at scrape.
describe('panel metrics', () => {
  let metrics: PanelMetrics | undefined;
  afterEach(() => metrics?.stop());

  let seq = 0;
  const audit = (type: string, data: Record<string, unknown>, doorId: string | null = null) =>
    ({ id: `e${++seq}`, seq, ts: 0, type, doorId, readerId: null, data }) as AuditEvent;

  let alarms: Array<{ id: string; alarms: string[] }> = [];
  const world = (extra: Partial<ConstructorParameters<typeof PanelMetrics>[0]> = {}) => {
    const bus = new EventBus(silentLogger);
    const clock = new FakeClock();
    metrics = new PanelMetrics({
      bus,
      clock,
      doorIds: ['main', 'bike'],
      configVersion: 7,
      defaultMetrics: false,
      doorAlarms: () => alarms,
      ...extra,
    });
    const registry = metrics.registry;
    const value = async (name: string, labels: Record<string, string> = {}) => {
      const json = await registry.getSingleMetric(name)!.get();
      const match = json.values.find((v) =>
        Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
      );
      return match?.value;
    };
    return { bus, clock, registry, value };
  };

  it('counts card decisions by outcome and reason, every known series from 0', async () => {
    const { bus, value, registry } = world();
    expect(await value('portvakt_card_decisions_total', { outcome: 'denied', reason: 'card_revoked' })).toBe(
      0,
    );
    const decision = { readerId: 'r', doorIds: [], uidHash: 'h' };
    bus.emit('access.decided', { ...decision, granted: true, reason: 'granted', doorIds: ['main'] });
    bus.emit('access.decided', { ...decision, granted: false, reason: 'unknown_card' });
    bus.emit('access.decided', { ...decision, granted: false, reason: 'unknown_card' });
    expect(await value('portvakt_card_decisions_total', { outcome: 'granted', reason: 'granted' })).toBe(1);
    expect(await value('portvakt_card_decisions_total', { outcome: 'denied', reason: 'unknown_card' })).toBe(
      2,
    );
    // Nothing of the card reaches the text: no hash, no reader-chosen strings.
    expect(await registry.metrics()).not.toContain('"h"');
  });

  it('counts pulses and alarms per configured door; an unknown door or kind is "other"', async () => {
    const { bus, value } = world();
    bus.emit('audit', audit('door.unlocked', { cause: 'access', pulseMs: 5000 }, 'main'));
    bus.emit('audit', audit('door.unlocked', { cause: 'exit_button', pulseMs: 5000 }, 'main'));
    bus.emit('audit', audit('door.unlocked', { cause: 'access', pulseMs: 5000 }, 'not-configured'));
    bus.emit('audit', audit('alarm.raised', { alarm: 'forced_open' }, 'bike'));
    bus.emit('audit', audit('alarm.raised', { alarm: 'x'.repeat(500) }, 'bike'));
    expect(await value('portvakt_relay_pulses_total', { door: 'main', cause: 'access' })).toBe(1);
    expect(await value('portvakt_relay_pulses_total', { door: 'main', cause: 'exit_button' })).toBe(1);
    expect(await value('portvakt_relay_pulses_total', { door: 'other', cause: 'access' })).toBe(1);
    expect(await value('portvakt_door_alarms_total', { door: 'bike', kind: 'forced_open' })).toBe(1);
    expect(await value('portvakt_door_alarms_total', { door: 'bike', kind: 'other' })).toBe(1);
  });

  it('reads active alarms from the doors at scrape', async () => {
    const { value } = world();
    alarms = [{ id: 'main', alarms: ['held_open'] }];
    expect(await value('portvakt_door_alarm_active', { door: 'main', kind: 'held_open' })).toBe(1);
    alarms = [{ id: 'main', alarms: [] }];
    expect(await value('portvakt_door_alarm_active', { door: 'main', kind: 'held_open' })).toBe(0);
  });

  it('counts calls by outcome and observes their length', async () => {
    const { bus, value, registry } = world();
    bus.emit(
      'audit',
      audit('call.ended', { callId: 'c', bellId: 'b', outcome: 'answered', durationMs: 42_000 }),
    );
    bus.emit('audit', audit('call.ended', { callId: 'd', bellId: 'b', outcome: 'no_answer' }));
    expect(await value('portvakt_calls_total', { outcome: 'answered' })).toBe(1);
    expect(await value('portvakt_calls_total', { outcome: 'no_answer' })).toBe(1);
    const text = await registry.getSingleMetricAsString('portvakt_call_duration_seconds');
    expect(text).toContain('portvakt_call_duration_seconds_sum 42');
    expect(text).toContain('portvakt_call_duration_seconds_count 1');
  });

  it('follows the applied config version from config.applied', async () => {
    const { bus, value } = world();
    expect(await value('portvakt_config_version')).toBe(7);
    bus.emit('audit', audit('config.applied', { version: 9, kind: 'patch' }));
    expect(await value('portvakt_config_version')).toBe(9);
  });

  it('reads outbox depth, sync lag (on the clock) and media peers at scrape', async () => {
    let backlog = { depth: 0, oldestAt: undefined as number | undefined };
    let peers = 0;
    const { clock, value } = world({ syncBacklog: () => backlog, mediaPeers: () => peers });
    expect(await value('portvakt_sync_lag_seconds')).toBe(0);
    backlog = { depth: 3, oldestAt: clock.now() };
    clock.advance(90_000);
    peers = 2;
    expect(await value('portvakt_outbox_depth')).toBe(3);
    expect(await value('portvakt_sync_lag_seconds')).toBe(90);
    expect(await value('portvakt_media_peers')).toBe(2);
  });

  it('stops counting once stopped', async () => {
    const { bus, value } = world();
    metrics!.stop();
    bus.emit('audit', audit('door.unlocked', { cause: 'access' }, 'main'));
    expect(await value('portvakt_relay_pulses_total', { door: 'main', cause: 'access' })).toBe(0);
  });
});
