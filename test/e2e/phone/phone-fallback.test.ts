/**
 * The phone fallback end to end, with the real parts: the panel (in this process, its media process and
 * GStreamer pipelines), Kamailio as the SIP edge, baresip and the lab's scripted phone as residents'
 * phones. The dialer, the edge's refusals and each sipp scenario have their own tests
 * (test/device/phone/sip/, test/lab/sip-edge*.test.ts); this one proves the whole call: who is phoned,
 * the prompt, the digit that opens the door once, the digit that does nothing, and the hang-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeG711 } from '../../../device/phone/media/g711.ts';
import { type BaresipPhone, startBaresipPhone } from '../../../scripts/lab/baresip-phone.ts';
import { ScriptedPhone, untilEstablished } from '../../../scripts/lab/scripted-phone.ts';
import { holdsWithin, until } from '../../../scripts/lab/until.ts';
import { concat, dtmfTone, silence } from '../../support/audio-signals.ts';
import {
  APP_AND_PHONE,
  PHONE_ONLY,
  PHONE_PASSWORD,
  type PhonePanelRig,
  STEP_PHONE,
  startPhonePanel,
} from '../../support/phone-panel.ts';

/** 20 ms µ-law frames of 8 kHz samples. */
function ulawFrames(samples: Int16Array): Buffer[] {
  const frames: Buffer[] = [];
  for (let i = 0; i + 160 <= samples.length; i += 160)
    frames.push(encodeG711('pcmu', samples.subarray(i, i + 160)));
  return frames;
}

let rig: PhonePanelRig;
let baresip: BaresipPhone;
const scripted = new Map<string, ScriptedPhone>();

async function scriptedPhone(number: string): Promise<ScriptedPhone> {
  const known = scripted.get(number);
  if (known) return known;
  const phone = await ScriptedPhone.start({
    edge: { host: '127.0.0.1', port: rig.edge.sipPort },
    domain: rig.edge.domain,
    number,
    password: PHONE_PASSWORD,
  });
  scripted.set(number, phone);
  return phone;
}

const types = (callId: string) => rig.callRows(callId).map((r) => r.type);

async function callEnded(callId: string) {
  return until(() => rig.callRows(callId).find((r) => r.type === 'call.ended'), 'the call to end', 15_000);
}

beforeAll(async () => {
  rig = await startPhonePanel();
  baresip = await startBaresipPhone({
    number: PHONE_ONLY,
    password: PHONE_PASSWORD,
    domain: rig.edge.domain,
    edgePort: rig.edge.sipPort,
  });
}, 60_000);

afterAll(async () => {
  for (const phone of scripted.values()) await phone.stop();
  await baresip?.stop();
  await rig?.stop();
});

describe('the phone fallback (Kamailio, baresip, the real panel)', () => {
  it('phones the resident without the app; RFC 4733 "3" does nothing, "5" opens once; the hang-up ends it', async () => {
    const pulses = rig.relayPulses();
    const { callId } = await rig.ring('bell-phone-only');
    expect(await rig.callState()).toMatchObject({ phase: 'ringing', phone: expect.any(String) });
    await baresip.waitFor('CALL_ESTABLISHED', 15_000);
    await until(() => types(callId).includes('call.phone_answered'), 'the panel to see the answer');
    expect(await rig.callState()).toMatchObject({ phase: 'connected', phone: 'connected' });
    baresip.sendDigit('3');
    await until(
      () => rig.callRows(callId).find((r) => r.type === 'call.phone_digit' && r.data['digit'] === '3'),
      'digit 3 at the panel',
    );
    expect(rig.relayPulses()).toBe(pulses);
    baresip.sendDigit('5');
    await until(() => rig.relayPulses() === pulses + 1, 'the relay to pulse on 5');
    baresip.sendDigit('5');
    await until(
      () =>
        rig
          .callRows(callId)
          .find((r) => r.type === 'call.phone_digit' && r.data['action'] === 'already_opened'),
      'the second 5 at the panel',
    );
    expect(rig.relayPulses()).toBe(pulses + 1);
    const opened = rig.callRows(callId).find((r) => r.type === 'call.phone_door_opened');
    expect(opened?.data).toMatchObject({
      residentId: 'resident-06',
      doorId: 'main-entrance',
      digit: '5',
      source: 'rfc4733',
    });
    baresip.hangup();
    expect((await callEnded(callId)).data).toMatchObject({ outcome: 'answered' });
    expect(rig.callRows(callId).find((r) => r.type === 'call.phone_ended')?.data).toMatchObject({
      outcome: 'answered',
    });
    // The number never reaches the audit log.
    expect(JSON.stringify(rig.callRows(callId))).not.toContain(PHONE_ONLY);
  }, 60_000);

  it('a resident logged in on an app device is rung in the app, not on the phone', async () => {
    const phone = await scriptedPhone(APP_AND_PHONE);
    // Erik has the app: his bell rings it, not his phone.
    let invited = false;
    phone.events.on('invite', () => {
      invited = true;
    });
    const { callId } = await rig.ring('bell-erik');
    expect(await holdsWithin(() => invited, 2000)).toBe(false);
    expect(types(callId)).toContain('call.ringing');
    expect(types(callId)).not.toContain('call.phone_dialing');
    await rig.hangUp(callId);
    expect((await callEnded(callId)).data).toMatchObject({ outcome: 'cancelled' });
  }, 30_000);

  it('sequential bell: the app first, then the step by phone; the visitor hangs up the phone call', async () => {
    const phone = await scriptedPhone(STEP_PHONE);
    const { callId } = await rig.ring('bell-flat-2002');
    await until(() => types(callId).includes('call.ringing'), 'Lars on the app');
    expect(phone.established).toBe(false);
    await untilEstablished(phone, 15_000);
    expect(rig.callRows(callId).find((r) => r.type === 'call.fallback')?.data).toMatchObject({
      residentIds: ['resident-12'],
      why: 'phone_step',
    });
    await until(() => types(callId).includes('call.phone_answered'), 'the panel to see the answer');
    const pulses = rig.relayPulses();
    expect(await phone.sendInfo('8')).toBe(200);
    await until(() => rig.relayPulses() === pulses + 1, 'the relay to pulse on INFO 8');
    // The prompt, then the entrance's microphone (the sim's tone): non-silent G.711 at the phone.
    await until(() => phone.received.nonSilent >= 25, 'half a second of audio at the phone');
    const ended = new Promise((resolve) => phone.events.once('ended', resolve));
    await rig.hangUp(callId);
    await ended;
    expect((await callEnded(callId)).data).toMatchObject({ outcome: 'answered' });
  }, 60_000);

  it('a busy phone: the call ends busy and the screen says so', async () => {
    const phone = await scriptedPhone(STEP_PHONE);
    phone.behaviour = 'busy';
    const { callId } = await rig.ring('bell-flat-2002');
    expect((await callEnded(callId)).data).toMatchObject({ outcome: 'busy' });
    expect(rig.callRows(callId).find((r) => r.type === 'call.phone_ended')?.data).toMatchObject({
      outcome: 'busy',
      sipStatus: 486,
    });
    expect(await rig.callState()).toEqual({ phase: 'idle', last: { callId, outcome: 'busy' } });
    phone.behaviour = 'answer';
  }, 60_000);

  it('in-band tones: a phone that sends the digit as audio opens the door (Goertzel in the media process)', async () => {
    // Last: the scripted phone takes over Johan's number from baresip.
    await baresip.stop();
    const phone = await scriptedPhone(PHONE_ONLY);
    const { callId } = await rig.ring('bell-phone-only');
    await untilEstablished(phone, 15_000);
    await until(() => types(callId).includes('call.phone_answered'), 'the panel to see the answer');
    const pulses = rig.relayPulses();
    await phone.sendAudio(0, ulawFrames(concat(silence(100), dtmfTone('5', 120, -12), silence(200))));
    await until(() => rig.relayPulses() === pulses + 1, 'the relay to pulse on the tone');
    expect(rig.callRows(callId).find((r) => r.type === 'call.phone_door_opened')?.data).toMatchObject({
      digit: '5',
      source: 'inband',
    });
    await phone.hangUp();
    expect((await callEnded(callId)).data).toMatchObject({ outcome: 'answered' });
  }, 60_000);
});
