import { describe, expect, it } from 'vitest';
import type { PhoneLegReport } from '../../../device/intercom/ports.ts';
import type { PhoneLegOutcome } from '../../../device/intercom/types.ts';
import { PhoneFallback } from '../../../device/phone/phone-fallback.ts';
import { phoneSettingsOf } from '../../../device/phone/phone-settings.ts';
import type {
  PhoneCall,
  PhoneCallEvents,
  PhoneCallRequest,
  PhoneDialer,
  PhoneMediaEvents,
  PhoneMediaLeg,
  PhoneMediaRemote,
  PhonePrompt,
} from '../../../device/phone/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

/** A media leg that records what the dialer did with it. */
class RecordingLeg implements PhoneMediaLeg {
  readonly local = { address: '127.0.0.1', port: 40000 };
  readonly events = new SafeEmitter<PhoneMediaEvents>();
  started?: { remote: PhoneMediaRemote; prompt: PhonePrompt | undefined };
  closed = false;
  start(remote: PhoneMediaRemote, prompt?: PhonePrompt): void {
    this.started = { remote, prompt };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A dialer whose calls the test drives, as the SIP edge and the phone would. */
class ScriptedDialer implements PhoneDialer {
  readonly calls: {
    request: PhoneCallRequest;
    prompt: PhonePrompt | undefined;
    ended: boolean;
    call: PhoneCall;
  }[] = [];
  async start() {}
  async stop() {}
  dial(request: PhoneCallRequest, _media: PhoneMediaLeg, prompt?: PhonePrompt): PhoneCall {
    const events = new SafeEmitter<PhoneCallEvents>();
    const entry = {
      request,
      prompt,
      ended: false,
      call: {
        events,
        end: () => {
          if (entry.ended) return;
          entry.ended = true;
          events.emit('ended', { outcome: 'cancelled', reason: 'ended by the panel' });
        },
      },
    };
    this.calls.push(entry);
    return entry.call;
  }
}

function setup(
  opts: { doorId?: string | null; openResult?: { ok: true } | { ok: false; reason: string } } = {},
) {
  const dialer = new ScriptedDialer();
  const leg = new RecordingLeg();
  const audit: { type: string; data: Record<string, unknown> }[] = [];
  const opened: { doorId: string; digit: string; source: string }[] = [];
  const reports: string[] = [];
  const prompt = { pcm: Buffer.alloc(1600) };
  const fallback = new PhoneFallback({
    dialer,
    media: { open: async () => leg },
    prompt: async () => prompt,
    settings: () => phoneSettingsOf({ name: 'Storgatan 12', phoneOpenDigits: '58' }),
    doors: {
      openForPhone: (doorId, by) => {
        opened.push({ doorId, digit: by.digit, source: by.source });
        return opts.openResult ?? { ok: true };
      },
    },
    audit: (type, data) => void audit.push({ type, data: data as Record<string, unknown> }),
    clock: new FakeClock(),
    logger: silentLogger,
    ringTimeoutS: 30,
    maxCallS: 120,
  });
  const report: PhoneLegReport = {
    ringing: () => void reports.push('ringing'),
    answered: () => void reports.push('answered'),
    doorOpened: () => void reports.push('door opened'),
    ended: (o: PhoneLegOutcome) => void reports.push(`ended ${o}`),
  };
  const dial = async () => {
    fallback.dial(
      {
        callId: 'call-1',
        residentId: 'anna',
        number: '+4790000001',
        ringS: 60,
        doorId: opts.doorId === undefined ? 'front' : opts.doorId,
      },
      report,
    );
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    const placed = dialer.calls.at(-1);
    if (!placed) throw new Error('no call placed');
    return placed;
  };
  return {
    fallback,
    dialer,
    leg,
    audit,
    opened,
    reports,
    dial,
    prompt,
    types: () => audit.map((a) => a.type),
  };
}

describe('the phone fallback', () => {
  it('dials the number with the building as caller and the ring time capped by the config', async () => {
    const t = setup();
    const placed = await t.dial();
    expect(placed.request).toEqual({
      callId: 'call-1',
      number: '+4790000001',
      displayName: 'Storgatan 12',
      ringTimeoutS: 30,
      maxCallS: 120,
    });
    expect(placed.prompt).toBe(t.prompt);
    expect(t.types()).toEqual(['call.phone_dialing']);
    // The number is never recorded.
    expect(JSON.stringify(t.audit)).not.toContain('+4790000001');
  });

  it('reports ringing and answer; an open digit opens once; other digits and repeats open nothing', async () => {
    const t = setup();
    const placed = await t.dial();
    const events = placed.call.events;
    t.leg.events.emit('digit', { digit: '5', source: 'rfc4733' });
    expect(t.opened).toEqual([]); // not answered yet: early media carries no authority
    events.emit('ringing', { early: false });
    events.emit('answered', {});
    t.leg.events.emit('digit', { digit: '3', source: 'rfc4733' });
    events.emit('digit', { digit: '8', source: 'sip-info' });
    t.leg.events.emit('digit', { digit: '5', source: 'inband' });
    expect(t.opened).toEqual([{ doorId: 'front', digit: '8', source: 'sip-info' }]);
    expect(t.audit.filter((a) => a.type === 'call.phone_digit').map((a) => a.data)).toEqual([
      { callId: 'call-1', residentId: 'anna', digit: '3', source: 'rfc4733', action: 'ignored' },
      { callId: 'call-1', residentId: 'anna', digit: '5', source: 'inband', action: 'already_opened' },
    ]);
    events.emit('ended', { outcome: 'answered', reason: 'BYE', durationMs: 4000 });
    // The door opened once, and the intercom heard of it once (the screen names the door).
    expect(t.reports).toEqual(['ringing', 'answered', 'door opened', 'ended answered']);
    expect(t.leg.closed).toBe(true);
    expect(t.audit.at(-1)).toEqual({
      type: 'call.phone_ended',
      data: { callId: 'call-1', residentId: 'anna', outcome: 'answered', reason: 'BYE', durationMs: 4000 },
    });
  });

  it('a bell without a door: the open digit is refused and recorded', async () => {
    const t = setup({ doorId: null });
    const placed = await t.dial();
    placed.call.events.emit('answered', {});
    placed.call.events.emit('digit', { digit: '5', source: 'sip-info' });
    expect(t.opened).toEqual([]);
    expect(t.audit.at(-1)?.data).toMatchObject({ digit: '5', action: 'refused' });
  });

  it('the router ends the leg: the call is cancelled and nothing is reported back', async () => {
    const t = setup();
    const placed = await t.dial();
    t.fallback.end('call-1');
    expect(placed.ended).toBe(true);
    expect(t.reports).toEqual([]);
    expect(t.audit.at(-1)?.data).toMatchObject({ outcome: 'cancelled' });
    expect(t.leg.closed).toBe(true);
  });

  it('busy, declined and failed legs are reported as such', async () => {
    for (const outcome of ['busy', 'declined', 'no_answer', 'failed'] as const) {
      const t = setup();
      const placed = await t.dial();
      placed.call.events.emit('ended', { outcome, reason: outcome, sipStatus: 486 });
      expect(t.reports).toEqual([`ended ${outcome}`]);
    }
  });

  it('a flood of digits is recorded up to a bound, and still opens nothing more', async () => {
    const t = setup();
    const placed = await t.dial();
    placed.call.events.emit('answered', {});
    for (let i = 0; i < 500; i++) t.leg.events.emit('digit', { digit: '1', source: 'inband' });
    expect(t.audit.filter((a) => a.type === 'call.phone_digit')).toHaveLength(20);
  });

  it('media that cannot open fails the leg with the reason', async () => {
    const t = setup();
    const reports: string[] = [];
    const audit: string[] = [];
    const broken = new PhoneFallback({
      dialer: t.dialer,
      media: { open: async () => Promise.reject(new Error('media process down')) },
      prompt: async () => undefined,
      settings: () => phoneSettingsOf({ name: 'Storgatan 12' }),
      doors: { openForPhone: () => ({ ok: true }) },
      audit: (type, data) => void audit.push(`${type} ${JSON.stringify(data)}`),
      clock: new FakeClock(),
      logger: silentLogger,
      ringTimeoutS: 30,
      maxCallS: 120,
    });
    broken.dial(
      { callId: 'c', residentId: 'anna', number: '+4790000001', ringS: 30, doorId: 'front' },
      { ringing: () => {}, answered: () => {}, doorOpened: () => {}, ended: (o) => void reports.push(o) },
    );
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(reports).toEqual(['failed']);
    expect(audit.at(-1)).toContain('media process down');
  });

  it('prompt text: the default names the building and the first open digit; {building} is filled in', () => {
    expect(phoneSettingsOf({ name: 'Storgatan 12' }).promptText).toBe(
      'Visitor at Storgatan 12. Press 5 to open the door.',
    );
    expect(
      phoneSettingsOf({ name: 'Hus', phonePrompt: 'Besøk ved {building}, trykk 8', phoneOpenDigits: '8' }),
    ).toEqual({
      displayName: 'Hus',
      promptText: 'Besøk ved Hus, trykk 8',
      openDigits: '8',
    });
  });
});
