import { describe, expect, it } from 'vitest';
import type { CallState } from '../../../cloud-sync/protocol/panel-api.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { intercomHarness, msg, settle } from './intercom-harness.ts';

const ANSWER_SDP = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\n';

async function ringing(h: ReturnType<typeof intercomHarness>) {
  const result = h.intercom.ring('bell-1');
  if (!result.ok) throw new Error(`not rung: ${result.reason}`);
  await settle();
  return result.callId;
}

describe('intercom: ringing app devices', () => {
  it('rings every device with the visitor picture and the offer of its early media', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone', 'anna-tablet'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    const callId = await ringing(h);
    for (const device of ['anna-phone', 'anna-tablet', 'erik-phone']) {
      expect(h.link.types(device), device).toEqual(['ring']);
      const ring = h.link.to(device)[0]!;
      expect(ring).toMatchObject({
        callId,
        bellText: 'Andersson',
        panelName: 'Main entrance',
        ringtone: 'chime',
        offer: expect.stringContaining(`s=${callId}:${device}`),
      });
      expect(ring.type === 'ring' && ring.snapshot).toMatch(/^data:image\/jpeg;base64,\/9j/);
    }
    expect(h.media.open.size).toBe(3);
    expect(h.intercom.state()).toMatchObject({ phase: 'ringing', callId, bellId: 'bell-1' });
    expect(h.audit.events.filter((e) => e.type === 'call.snapshot')).toHaveLength(1);
  });

  it('an offer not ready when the ring goes out follows it as its own message', async () => {
    const h = intercomHarness('parallel', [{ id: 'anna', devices: ['anna-phone'] }]);
    h.media.holdOffers = true;
    const callId = await ringing(h);
    expect(h.link.types('anna-phone')).toEqual(['ring']);
    expect(h.link.to('anna-phone')[0]).not.toHaveProperty('offer');
    h.media.releaseOffers();
    await settle();
    expect(h.link.types('anna-phone')).toEqual(['ring', 'offer']);
    expect(h.link.to('anna-phone')[1]).toMatchObject({ callId, sdp: expect.stringContaining('v=0') });
  });

  it("trickles the panel's candidates after its offer: held until the offer is out, an empty one ends them", async () => {
    const h = intercomHarness('parallel', [{ id: 'anna', devices: ['anna-phone'] }]);
    h.media.holdOffers = true;
    const callId = await ringing(h);
    const peerId = `${callId}:anna-phone`;
    const candidate = {
      candidate: 'candidate:1 1 udp 2130706431 10.1.0.2 50000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    h.media.events.emit('local-candidate', { peerId, candidate });
    await settle();
    expect(h.link.types('anna-phone')).toEqual(['ring']); // no candidate before its offer
    h.media.releaseOffers();
    await settle();
    h.media.events.emit('local-candidate', { peerId, candidate: null });
    h.media.events.emit('local-candidate', { peerId: 'another-call:anna-phone', candidate });
    await settle();
    expect(h.link.types('anna-phone')).toEqual(['ring', 'offer', 'candidate', 'candidate']);
    expect(h.link.to('anna-phone')[2]).toMatchObject({ callId, candidate });
    expect(h.link.to('anna-phone')[3]).toMatchObject({ candidate: { candidate: '', sdpMid: null } });
  });

  it("uses the app's trickled candidates, ignores its end-of-candidates and refuses none it cannot use", async () => {
    const h = intercomHarness('parallel', [{ id: 'anna', devices: ['anna-phone'] }]);
    const callId = await ringing(h);
    const host = {
      candidate: 'candidate:2 1 udp 2130706431 10.2.0.2 40000 typ host',
      sdpMid: '0',
      sdpMLineIndex: 0,
    };
    h.link.deliver('anna-phone', msg(callId, 'candidate', { candidate: host }));
    h.link.deliver('anna-phone', msg(callId, 'candidate', { candidate: { candidate: '' } }));
    await settle();
    expect(h.media.open.get(`${callId}:anna-phone`)?.candidates).toEqual([host]);
    expect(h.link.types('anna-phone')).toEqual(['ring']);
  });

  it('first accept wins: the other devices stop as answered elsewhere, the winner is connected and talks', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone', 'anna-tablet'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    const callId = await ringing(h);
    h.link.deliver('erik-phone', msg(callId, 'answer', { sdp: ANSWER_SDP }));
    h.link.deliver('erik-phone', msg(callId, 'accept', { video: false }));
    await settle();
    expect(h.link.types('erik-phone')).toEqual(['ring', 'connected']);
    for (const other of ['anna-phone', 'anna-tablet']) {
      expect(h.link.to(other).at(-1), other).toMatchObject({ type: 'stop', reason: 'answered_elsewhere' });
    }
    expect([...h.media.open.keys()]).toEqual([`${callId}:erik-phone`]);
    expect(h.media.talker).toBe(`${callId}:erik-phone`);
    expect(h.media.log).toContain(`video ${callId}:erik-phone false`);
    expect(h.intercom.state()).toMatchObject({ phase: 'connected' });
    // The panel now listens to Erik's phone alone: Anna's late accept never reaches it.
    expect([...h.link.listening]).toEqual(['erik-phone']);
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.link.undelivered).toBe(1);
    expect(h.media.talker).toBe(`${callId}:erik-phone`);
    // Delivered anyway (a broker that ignores the unsubscription), it is refused and changes nothing.
    h.link.ignoresSubscriptions = true;
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'refused' });
    expect(h.media.talker).toBe(`${callId}:erik-phone`);
  });

  it('a second answer of the same resident on another device stops the first device ringing too', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone', 'anna-tablet'] }]);
    const callId = await ringing(h);
    h.link.deliver('anna-tablet', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'stop', reason: 'answered_elsewhere' });
    expect(h.link.types('anna-tablet').at(-1)).toBe('connected');
  });

  it('opens the door only from the device that answered, after recording who asked', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    const callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'open'));
    await settle();
    expect(h.opened).toEqual([]);
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'refused' });
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    h.link.deliver('anna-phone', msg(callId, 'open'));
    await settle();
    expect(h.opened).toEqual([{ doorId: 'front', residentId: 'anna', callId }]);
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'door', doorId: 'front', result: 'opened' });
  });

  it('tells the screen which door the call opened, during the call and after it, until the next call', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const states: CallState[] = [];
    h.intercom.events.on('state', (state) => void states.push(state));
    const callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.intercom.state()).not.toHaveProperty('doorOpened');
    h.link.deliver('anna-phone', msg(callId, 'open'));
    await settle();
    const door = { id: 'front', name: 'Front door' };
    expect(h.intercom.state()).toMatchObject({ phase: 'connected', doorOpened: door });
    // Pushed at once: the screen hears it without asking.
    expect(states.at(-1)).toMatchObject({ phase: 'connected', doorOpened: door });
    h.intercom.hangUp(callId);
    expect(h.intercom.state()).toEqual({
      phase: 'idle',
      last: { callId, outcome: 'answered' },
      lastDoorOpened: door,
    });
    h.intercom.ring('bell-1');
    expect(h.intercom.state()).not.toHaveProperty('doorOpened');
    expect(h.intercom.state()).not.toHaveProperty('lastDoorOpened');
  });

  it('a refused opening names no door on the screen', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }], { doorId: null });
    const callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    h.link.deliver('anna-phone', msg(callId, 'open'));
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'door', result: 'refused' });
    expect(h.intercom.state()).not.toHaveProperty('doorOpened');
    h.intercom.hangUp(callId);
    expect(h.intercom.state()).not.toHaveProperty('lastDoorOpened');
  });

  it('listens only to the devices in the call, and to nobody once it ends', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone', 'anna-tablet'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    expect(h.link.listening.size).toBe(0);
    const callId = await ringing(h);
    expect([...h.link.listening].sort()).toEqual(['anna-phone', 'anna-tablet', 'erik-phone']);
    // The subscription goes out before the ring that makes the device answer.
    h.link.deliver('erik-phone', msg(callId, 'decline'));
    await settle();
    expect([...h.link.listening].sort()).toEqual(['anna-phone', 'anna-tablet']);
    h.link.deliver('mallory-phone', msg(callId, 'open'));
    expect(h.link.undelivered).toBe(1);
    h.intercom.hangUp(callId);
    expect(h.link.listening.size).toBe(0);
  });

  it('refuses and records messages from devices that were not rung, should a broker deliver them', async () => {
    const h = intercomHarness('separate', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'mallory', devices: [] },
    ]);
    const callId = await ringing(h);
    // The panel does not subscribe to these devices; a broker that delivers them anyway meets the checks.
    h.link.ignoresSubscriptions = true;
    for (const device of ['mallory-phone', 'stranger']) {
      h.link.deliver(device, msg(callId, 'accept', { video: true }));
      h.link.deliver(device, msg(callId, 'open'));
    }
    await settle();
    expect(h.opened).toEqual([]);
    expect(h.intercom.state()).toMatchObject({ phase: 'ringing' });
    // One row per source at once, the rest counted into one call.flood per source when the window closes.
    const refused = h.audit.events.filter((e) => e.type === 'call.refused');
    expect(refused.map((e) => e.data['appDeviceId'])).toEqual(['mallory-phone', 'stranger']);
    expect(refused[0]!.data).toMatchObject({ appDeviceId: 'mallory-phone', reason: /not rung/ });
    expect(h.audit.events.filter((e) => e.type === 'call.flood')).toHaveLength(0);
    h.clock.advance(60_000);
    const floods = h.audit.events.filter((e) => e.type === 'call.flood').map((e) => e.data);
    expect(floods).toEqual([
      expect.objectContaining({ appDeviceId: 'mallory-phone', refused: 1, rateLimited: 0 }),
      expect.objectContaining({ appDeviceId: 'stranger', refused: 1, rateLimited: 0 }),
    ]);
  });

  it('refuses malformed messages with a reason, answering when they name a call, and never throws', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const callId = await ringing(h);
    const bad: unknown[] = [
      'not json',
      '[]',
      'null',
      msg(callId, 'accept'),
      msg(callId, 'answer', { sdp: 42 }),
      msg(callId, 'launch-missiles'),
      { ...msg(callId, 'open'), extra: true },
      msg('x', 'decline'),
      'x'.repeat(70_000),
    ];
    for (const payload of bad) h.link.deliver('anna-phone', payload);
    await settle();
    const refused = h.audit.events.filter((e) => e.type === 'call.refused');
    expect(refused.map((e) => e.data['reason'])).toEqual(['not JSON']);
    expect(h.intercom.state()).toMatchObject({ phase: 'ringing', callId });
    h.clock.advance(60_000);
    const flood = h.audit.events.filter((e) => e.type === 'call.flood');
    expect(flood.map((e) => e.data)).toEqual([
      expect.objectContaining({
        appDeviceId: 'anna-phone',
        refused: bad.length - 1,
        rateLimited: 0,
        firstReason: expect.stringMatching(/^invalid message/),
        lastReason: 'message over 65536 bytes',
      }),
    ]);
    expect(h.link.to('anna-phone').filter((m) => m.type === 'refused').length).toBe(4);
  });

  it('a media error on an answer is reported to that device; the call goes on', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const callId = await ringing(h);
    h.media.failAnswer = true;
    h.link.deliver('anna-phone', msg(callId, 'answer', { sdp: ANSWER_SDP }));
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'refused', reason: /invalid SDP/ });
    expect(h.intercom.state().phase).toBe('ringing');
  });
});

describe('intercom: ending calls', () => {
  it('the resident hangs up: ended for the device, peers closed, the speaker silenced', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    h.link.deliver('anna-phone', msg(callId, 'hangup'));
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'ended', reason: 'resident_hung_up' });
    expect(h.media.open.size).toBe(0);
    expect(h.media.talker).toBeUndefined();
    expect(h.intercom.state()).toMatchObject({ phase: 'idle', last: { outcome: 'answered' } });
    expect(h.audit.events.find((e) => e.type === 'call.ended')?.data).toMatchObject({ outcome: 'answered' });
  });

  it('the visitor hangs up an answered call, or cancels a ringing one', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    let callId = await ringing(h);
    expect(h.intercom.hangUp(callId)).toBe(true);
    for (const d of ['anna-phone', 'erik-phone'])
      expect(h.link.to(d).at(-1)).toMatchObject({ type: 'stop', reason: 'cancelled' });
    callId = await ringing(h);
    h.link.deliver('erik-phone', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.intercom.hangUp(callId)).toBe(true);
    await settle();
    expect(h.link.to('erik-phone').at(-1)).toMatchObject({ type: 'ended', reason: 'visitor_hung_up' });
    expect(h.intercom.hangUp(callId)).toBe(false);
  });

  it('a camera that fails for good ends the call with media_failed', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    const callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    await settle();
    h.media.events.emit('source-failed', { reason: 'gst-launch exited 5 times in 10 s' });
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'ended', reason: 'media_failed' });
    expect(h.audit.events.some((e) => e.type === 'call.media_error')).toBe(true);
  });

  it('declines of all residents end the call declined; nobody answering ends it unanswered', async () => {
    const h = intercomHarness('parallel', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    let callId = await ringing(h);
    h.link.deliver('anna-phone', msg(callId, 'decline'));
    h.link.deliver('erik-phone', msg(callId, 'decline'));
    await settle();
    expect(h.intercom.state()).toEqual({ phase: 'idle', last: { callId, outcome: 'declined' } });
    expect(h.audit.events.filter((e) => e.type === 'call.ended').at(-1)?.data).toMatchObject({
      outcome: 'declined',
    });
    callId = await ringing(h);
    h.clock.advance(60_000);
    await settle();
    // Both have the app: nobody is phoned.
    expect(h.phone.legs).toEqual([]);
    expect(h.intercom.state()).toEqual({ phase: 'idle', last: { callId, outcome: 'no_answer' } });
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ callId, type: 'stop', reason: 'timeout' });
  });

  it('sequential: the next resident is rung after the step time, with a fresh offer', async () => {
    const h = intercomHarness('sequential', [
      { id: 'anna', devices: ['anna-phone'], ringS: 25 },
      { id: 'erik', devices: ['erik-phone'] },
    ]);
    const callId = await ringing(h);
    expect(h.link.types('erik-phone')).toEqual([]);
    h.clock.advance(25_000);
    await settle();
    expect(h.link.to('anna-phone').at(-1)).toMatchObject({ type: 'stop', reason: 'next_resident' });
    expect(h.link.types('erik-phone')).toEqual(['ring']);
    expect(h.link.to('erik-phone')[0]).toMatchObject({ offer: expect.stringContaining(':erik-phone') });
    expect([...h.media.open.keys()]).toEqual([`${callId}:erik-phone`]);
  });

  it('a second visitor gets busy; an unknown bell is a not-found error and starts nothing', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: ['anna-phone'] }]);
    await ringing(h);
    expect(h.intercom.ring('bell-1')).toEqual({ ok: false, reason: 'busy' });
    expect(() => h.intercom.ring('bell-9')).toThrow(NotFoundError);
    expect(h.audit.events.filter((e) => e.type === 'call.started')).toHaveLength(1);
  });

  it('nobody with an app device or a phone number: the call ends at once, nobody reachable', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: [] }]);
    const result = h.intercom.ring('bell-1');
    expect(result.ok).toBe(true);
    expect(h.phone.legs).toEqual([]);
    expect(h.intercom.state()).toMatchObject({ phase: 'idle', last: { outcome: 'no_app_device' } });
  });
});

describe('intercom: the phone fallback', () => {
  it('phones a resident without the app: the screen follows the leg from dialing to connected to ended', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: [], phone: '+4790000001' }]);
    const result = h.intercom.ring('bell-1');
    if (!result.ok) throw new Error('not rung');
    const leg = h.phone.current();
    expect(leg.request).toEqual({
      callId: result.callId,
      residentId: 'anna',
      number: '+4790000001',
      ringS: 60,
      doorId: 'front',
    });
    expect(h.intercom.state()).toMatchObject({ phase: 'ringing', phone: 'dialing' });
    leg.report.ringing();
    await settle();
    expect(h.intercom.state()).toMatchObject({ phase: 'ringing', phone: 'ringing' });
    leg.report.answered();
    await settle();
    expect(h.intercom.state()).toMatchObject({ phase: 'connected', phone: 'connected' });
    // A second visitor while the phone call lasts: busy, as with an app call.
    expect(h.intercom.ring('bell-1')).toEqual({ ok: false, reason: 'busy' });
    // The callee's digit opened the door: the screen names it.
    leg.report.doorOpened();
    await settle();
    const door = { id: 'front', name: 'Front door' };
    expect(h.intercom.state()).toMatchObject({ phase: 'connected', phone: 'connected', doorOpened: door });
    leg.report.ended('answered');
    await settle();
    expect(h.intercom.state()).toEqual({
      phase: 'idle',
      last: { callId: result.callId, outcome: 'answered' },
      lastDoorOpened: door,
    });
  });

  it('the visitor cancels while the phone rings: the leg is ended, the screen shows cancelled', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: [], phone: '+4790000001' }]);
    const result = h.intercom.ring('bell-1');
    if (!result.ok) throw new Error('not rung');
    expect(h.intercom.hangUp(result.callId)).toBe(true);
    expect(h.phone.legs[0]?.ended).toBe(true);
    expect(h.intercom.state()).toMatchObject({ phase: 'idle', last: { outcome: 'cancelled' } });
  });

  it('a busy phone ends the call busy; the screen says so', async () => {
    const h = intercomHarness('separate', [{ id: 'anna', devices: [], phone: '+4790000001' }]);
    h.intercom.ring('bell-1');
    h.phone.current().report.ended('busy');
    await settle();
    expect(h.intercom.state()).toMatchObject({ phase: 'idle', last: { outcome: 'busy' } });
  });

  it('answered in the app while the other resident is phoned: the phone leg ends', async () => {
    const h = intercomHarness('family', [
      { id: 'anna', devices: ['anna-phone'] },
      { id: 'erik', devices: [], phone: '+4790000002' },
    ]);
    const callId = await ringing(h);
    expect(h.phone.current().request.residentId).toBe('erik');
    h.link.deliver('anna-phone', msg(callId, 'accept', { video: true }));
    await settle();
    expect(h.phone.legs[0]?.ended).toBe(true);
    expect(h.intercom.state()).toMatchObject({ phase: 'connected' });
    expect(h.intercom.state()).not.toHaveProperty('phone');
  });
});
