/**
 * The panel side of a call-topic flood, on fake time: the intake buckets, the refusal collapser, and the
 * intercom with both behind one app device's junk (what one resident's login can send).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_LIMITS } from '../../../device/config/schema.ts';
import { CallIntakeLimiter } from '../../../device/intercom/call-intake-limiter.ts';
import { MAX_SOURCES, OTHER_SOURCES, RefusalCollapser } from '../../../device/intercom/refusal-collapser.ts';
import type { CallAudit } from '../../../device/intercom/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { intercomHarness, msg, settle } from './intercom-harness.ts';

const limits = {
  ...DEFAULT_CALL_LIMITS,
  perAppDeviceRatePerS: 10,
  perAppDeviceBurst: 20,
  perPanelRatePerS: 30,
  perPanelBurst: 50,
};

describe('call intake limits', () => {
  it('admits a burst per app device, then its sustained rate, on fake time', () => {
    const clock = new FakeClock();
    const limiter = new CallIntakeLimiter(clock, limits);
    const verdicts = Array.from({ length: 25 }, () => limiter.admit('mallory-phone'));
    expect(verdicts.filter((v) => v === 'admitted')).toHaveLength(20);
    expect(verdicts.at(-1)).toBe('device_rate_limited');
    clock.advance(500);
    const later = Array.from({ length: 10 }, () => limiter.admit('mallory-phone'));
    expect(later.filter((v) => v === 'admitted')).toHaveLength(5);
  });

  it('one device over its budget leaves the others theirs; the panel budget bounds them together', () => {
    const clock = new FakeClock();
    const limiter = new CallIntakeLimiter(clock, limits);
    for (let i = 0; i < 1000; i++) limiter.admit('mallory-phone');
    // Mallory's refused attempts took nothing from the panel's bucket: 30 of its 50 are left.
    expect(Array.from({ length: 20 }, () => limiter.admit('anna-phone'))).toEqual(Array(20).fill('admitted'));
    const verdicts = Array.from({ length: 20 }, () => limiter.admit('bo-phone'));
    expect(verdicts.filter((v) => v === 'admitted')).toHaveLength(10);
    expect(verdicts.at(-1)).toBe('panel_rate_limited');
  });

  it('the defaults let a real call through: 48 messages at once (an answer, 40-odd ICE candidates) on 8 devices', () => {
    const clock = new FakeClock();
    const limiter = new CallIntakeLimiter(clock, DEFAULT_CALL_LIMITS);
    for (let d = 0; d < 8; d++) {
      const device = `phone-${d}`;
      for (let i = 0; i < 48; i++) expect(limiter.admit(device)).toBe('admitted');
    }
  });

  it('remembers a bounded number of app devices whatever the number of senders', () => {
    const clock = new FakeClock();
    const limiter = new CallIntakeLimiter(clock, { ...limits, perPanelBurst: 100_000 });
    for (let i = 0; i < 5000; i++) limiter.admit(`device-${i}`);
    expect(limiter.trackedDevices).toBeLessThanOrEqual(1024);
  });
});

describe('refusal collapser', () => {
  const collapser = (clock: FakeClock) => {
    const rows: { type: string; data: Record<string, unknown> }[] = [];
    const record: CallAudit = (type, data) => void rows.push({ type, data });
    return { rows, c: new RefusalCollapser({ clock, windowMs: 60_000, record, logger: silentLogger }) };
  };

  it('writes the first refusal at once, then one call.flood per window while the flood lasts', () => {
    const clock = new FakeClock();
    const { rows, c } = collapser(clock);
    c.refused('mallory-phone', { callId: 'c1', type: 'accept', reason: 'not rung' });
    for (let minute = 0; minute < 5; minute++) {
      for (let i = 0; i < 10_000; i++) c.dropped('mallory-phone', 'device_rate_limited');
      c.refused('mallory-phone', { callId: 'c1', reason: 'x'.repeat(70_000) });
      clock.advance(60_000);
    }
    expect(rows.map((r) => r.type)).toEqual(['call.refused', ...Array(5).fill('call.flood')]);
    expect(rows[1]!.data).toEqual({
      appDeviceId: 'mallory-phone',
      refused: 1,
      rateLimited: 10_000,
      firstReason: 'device_rate_limited',
      lastReason: 'x'.repeat(200),
      windowMs: 60_000,
    });
    // Quiet for a window: the source is forgotten, and its next refusal is written in full again.
    clock.advance(60_000);
    expect(c.openWindows).toBe(0);
    c.refused('mallory-phone', { reason: 'not JSON' });
    expect(rows.at(-1)).toMatchObject({ type: 'call.refused', data: { reason: 'not JSON' } });
  });

  it('answers refusals that name a call from a small budget, and never a rate-limited message', () => {
    const clock = new FakeClock();
    const { c } = collapser(clock);
    const replies = Array.from({ length: 100 }, () =>
      c.refused('mallory-phone', { callId: 'c1', reason: 'no' }),
    );
    expect(replies.filter(Boolean)).toHaveLength(5);
    expect(c.refused('mallory-phone', { reason: 'not JSON' })).toBe(false);
    clock.advance(2000);
    expect(c.refused('mallory-phone', { callId: 'c1', reason: 'no' })).toBe(true);
  });

  it('bounds the sources it tracks: the rest are counted together under "*"', () => {
    const clock = new FakeClock();
    const { rows, c } = collapser(clock);
    for (let i = 0; i < MAX_SOURCES * 4; i++) c.dropped(`device-${i}`, 'device_rate_limited');
    expect(c.openWindows).toBeLessThanOrEqual(MAX_SOURCES);
    clock.advance(60_000);
    expect(rows.length).toBeLessThanOrEqual(MAX_SOURCES);
    const other = rows.find((r) => r.data['appDeviceId'] === OTHER_SOURCES);
    expect(other?.data['rateLimited']).toBe(MAX_SOURCES * 4 - (MAX_SOURCES - 1));
  });
});

describe('intercom under a flood from one app device', () => {
  it('a device not in the call reaches nothing: its 20,000 messages are never delivered', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const rung = h.intercom.ring('bell-1');
    if (!rung.ok) throw new Error(`not rung: ${rung.reason}`);
    await settle();
    const rowsBefore = h.audit.events.length;
    for (let i = 0; i < 20_000; i++) h.link.deliver('mallory-phone', msg(rung.callId, 'open'));
    expect(h.link.undelivered).toBe(20_000);
    h.intercom.stop();
    expect(h.audit.events.slice(rowsBefore).filter((e) => e.data['appDeviceId'] === 'mallory-phone')).toEqual(
      [],
    );
  });

  it('a rung device that floods is cut from the call at its first rate-limited message; the call goes on', async () => {
    const h = intercomHarness('separate', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'mallory', devices: ['mallory-phone'] },
    ]);
    const rung = h.intercom.ring('bell-1');
    if (!rung.ok) throw new Error(`not rung: ${rung.reason}`);
    const { callId } = rung;
    await settle();
    const rowsBefore = h.audit.events.length;
    for (let i = 0; i < 20_000; i++) h.link.deliver('mallory-phone', msg(callId, 'open'));
    // Its burst was admitted, the next message was over the limit: cut, and nothing more delivered.
    const burst = DEFAULT_CALL_LIMITS.perAppDeviceBurst;
    expect(h.link.undelivered).toBe(20_000 - burst - 1);
    expect([...h.link.listening]).toEqual(['anna-phone']);
    expect(h.media.open.has(`${callId}:mallory-phone`)).toBe(false);
    await settle();
    // Anna, rung, answers and opens: her messages are not queued behind his.
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    h.link.deliver('anna-phone', msg(callId, 'open'));
    await settle();
    expect(h.opened).toEqual([{ doorId: 'front', residentId: 'anna', callId }]);
    for (let i = 0; i < 10; i++) await settle();
    expect(h.link.to('mallory-phone').filter((m) => m.type === 'refused').length).toBeLessThanOrEqual(5);
    h.intercom.stop();
    const malloryRows = h.audit.events
      .slice(rowsBefore)
      .filter((e) => e.data['appDeviceId'] === 'mallory-phone')
      .map((e) => ({ type: e.type, ...e.data }));
    // The cut at once; what was admitted and refused, and the one over the limit, in one summary row.
    expect(malloryRows).toEqual([
      { type: 'call.device_cut', callId, appDeviceId: 'mallory-phone', reason: 'device_rate_limited' },
      expect.objectContaining({ type: 'call.flood', appDeviceId: 'mallory-phone', rateLimited: 1 }),
    ]);
    expect(malloryRows[1]).toMatchObject({ refused: burst });
  });

  it('the device that answered and then floods is cut, and the call ends', async () => {
    const h = intercomHarness('separate', [{ id: 'mallory', devices: ['mallory-phone'] }]);
    const rung = h.intercom.ring('bell-1');
    if (!rung.ok) throw new Error(`not rung: ${rung.reason}`);
    await settle();
    h.link.deliver('mallory-phone', msg(rung.callId, 'accept', { video: true }));
    await settle();
    expect(h.intercom.state()).toMatchObject({ phase: 'connected' });
    for (let i = 0; i < 1000; i++)
      h.link.deliver('mallory-phone', msg(rung.callId, 'video', { enabled: true }));
    expect(h.intercom.state()).toMatchObject({ phase: 'idle', last: { outcome: 'answered' } });
    expect(h.link.listening.size).toBe(0);
    expect(h.audit.events.map((e) => e.type)).toContain('call.device_cut');
    expect(h.audit.events.at(-1)).toMatchObject({ type: 'call.ended', data: { outcome: 'answered' } });
  });
});
