/**
 * `npm start`'s phone fallback, as a newcomer tries it: the simulator (broker, hub, panel and the SIP edge,
 * Kamailio on the database the hub writes) and the demo phone of `npm run -s phone` (baresip registered as
 * the phone-only demo resident). Ringing his bell calls the phone, which answers, hears the spoken prompt,
 * and opens the door with 5; a 3 opens nothing. Lab only (Kamailio, baresip, espeak-ng).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallState, callState } from '../../cloud-sync/protocol/panel-api.ts';
import { DEMO_DIRECTORY } from '../../device/sim/demo-directory.ts';
import { KAMAILIO } from '../../scripts/lab/sip-edge.ts';
import { until } from '../../scripts/lab/until.ts';
import { type DemoPhone, type DemoPhoneEvent, startDemoPhone } from '../../scripts/sim/demo-phone.ts';
import { hangUpPanel, type Simulator, startSimulator } from '../../scripts/sim/simulator.ts';

const BELL = DEMO_DIRECTORY.phoneBell;
const RELAY = 'main-entrance.relay';

describe('npm start: a resident with no app is called on the phone; 5 opens the door', () => {
  let sim: Simulator;
  let phone: DemoPhone;
  let installerToken: string;
  const events: DemoPhoneEvent[] = [];
  /** The last test stops the simulator itself. */
  let stopped = false;

  beforeAll(async () => {
    sim = await startSimulator();
    installerToken = /doors\/main-entrance\/unlock -H 'authorization: Bearer ([\w-]+)'/.exec(
      sim.output(),
    )?.[1] as string;
    phone = await startDemoPhone({ dataDir: sim.dataDir, onEvent: (e) => events.push(e) });
  }, 120_000);

  // A failed test must not leave its call up for the next (the panel has one call at a time).
  afterEach(async () => {
    if (sim && !stopped) await hangUpPanel(sim);
  });

  afterAll(async () => {
    await phone?.stop();
    await sim?.stop();
  });

  const seen = (type: DemoPhoneEvent['type']) => events.filter((e) => e.type === type);
  const relayPulses = async (): Promise<number> => {
    const { relays } = (await (await fetch(`${sim.panel}/api/v1/sim/relays`)).json()) as {
      relays: { name: string; energizeCount: number }[];
    };
    return relays.find((r) => r.name === RELAY)?.energizeCount ?? Number.NaN;
  };
  const panelEvents = async (): Promise<{ type: string; data: Record<string, unknown> }[]> => {
    const res = await fetch(`${sim.panel}/api/v1/events?after=0&limit=1000`, {
      headers: { authorization: `Bearer ${installerToken}` },
    });
    return ((await res.json()) as { events: { type: string; data: Record<string, unknown> }[] }).events;
  };
  const call = async (): Promise<CallState> =>
    callState.parse(await (await fetch(`${sim.panel}/api/v1/call`)).json());
  const ring = async (): Promise<string> => {
    const res = await fetch(`${sim.panel}/api/v1/bells/${BELL}/ring`, { method: 'POST' });
    expect(res.status).toBe(202);
    return ((await res.json()) as { callId: string }).callId;
  };
  /** The phone hangs up; the call ends on both sides. */
  const hangUp = async (n: number): Promise<void> => {
    phone.hangup();
    await until(() => seen('ended').length === n, `the phone's call #${n} to end`, 10_000);
    const idle = await until(
      async () => {
        const c = await call();
        return c.phase === 'idle' && c;
      },
      'the panel to be idle again',
      10_000,
    );
    expect(idle.last?.outcome).toBe('answered');
  };

  it('the banner names the bell and the phone command', () => {
    expect(sim.output()).toContain(`/api/v1/bells/${BELL}/ring`);
    expect(sim.output()).toContain('npm run -s phone');
  });

  it('the phone rings with the building as caller, answers, hears the prompt; 5 opens the door once', async () => {
    const pulses = await relayPulses();
    const callId = await ring();
    await until(() => seen('answered').length === 1, 'the phone to be called and answer', 20_000);
    // What the visitor's panel page shows.
    await until(async () => (await call()).phase === 'connected', 'the panel call to connect', 5000);
    expect(await call()).toMatchObject({ phase: 'connected', callId, bellId: BELL, phone: 'connected' });
    expect(seen('incoming')[0]).toMatchObject({ from: expect.stringContaining('"Storgatan 12"') });
    // Listen to the prompt ("Visitor at Storgatan 12 …") before pressing the key, as a resident would.
    await until(() => phone.listenedS() >= 3, 'three seconds of audio at the phone', 15_000);
    phone.sendDigit('5');
    await until(async () => (await relayPulses()) === pulses + 1, 'the entrance relay to pulse', 5000);
    const opened = (await panelEvents()).filter((e) => e.type === 'call.phone_door_opened');
    expect(opened).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ callId, digit: '5', source: 'rfc4733', doorId: 'main-entrance' }),
      }),
    ]);
    await hangUp(1);
    expect(await relayPulses()).toBe(pulses + 1);

    const heard = phone.heard()[0];
    expect(heard).toBeDefined();
    expect(speechLike(readFileSync(heard as string))).toBe(true);
  });

  it('a second call: 3 is received and ignored, the door stays shut', async () => {
    const pulses = await relayPulses();
    const callId = await ring();
    await until(() => seen('answered').length === 2, 'the phone to answer the second call', 20_000);
    await until(() => phone.listenedS() >= 0.5, 'audio at the phone', 10_000);
    phone.sendDigit('3');
    const digit = await until(
      async () =>
        (await panelEvents()).find((e) => e.type === 'call.phone_digit' && e.data['callId'] === callId),
      'the panel to record the digit',
      5000,
    );
    expect(digit.data).toMatchObject({ digit: '3', action: 'ignored' });
    expect(await relayPulses()).toBe(pulses);
    await hangUp(2);
    expect(await relayPulses()).toBe(pulses);
  });

  it('stopping the simulator stops its SIP edge (Kamailio on the data dir the hub writes)', async () => {
    const edge = edgeProcesses(sim.dataDir);
    expect(edge.length).toBeGreaterThan(0);
    await phone.stop();
    stopped = true;
    expect(await sim.stop()).toBe(0);
    expect(edgeProcesses(sim.dataDir)).toEqual([]);
  });
});

/** Kamailio processes (the main one and its children) whose command line names this data dir. */
function edgeProcesses(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.startsWith(KAMAILIO) && cmdline.includes(dataDir);
      } catch {
        return false; // exited meanwhile
      }
    })
    .map(Number);
}

/**
 * Spoken words, not silence and not the visitor's steady test tone: over the first 3 s, the loudness of
 * 100 ms windows rises from a pause (< 800) to a syllable (> 2000) at least three times.
 */
function speechLike(wav: Buffer): boolean {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.readUInt32LE(24) !== 8000) return false;
  const samples = Math.floor((wav.length - 44) / 2);
  let rises = 0;
  let quiet = false;
  for (let start = 0; start + 800 <= Math.min(samples, 3 * 8000); start += 800) {
    let sum = 0;
    for (let i = start; i < start + 800; i++) sum += wav.readInt16LE(44 + 2 * i) ** 2;
    const rms = Math.sqrt(sum / 800);
    if (rms < 800) quiet = true;
    else if (rms > 2000 && quiet) {
      rises++;
      quiet = false;
    }
  }
  return rises >= 3;
}
