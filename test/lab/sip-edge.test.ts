/**
 * The shipped SIP edge (deploy/sip/kamailio.cfg, Kamailio 5.6) refuses what a panel or a phone may not
 * do: no open relay, no calls toward panels, phones register as their own number only, one call per
 * panel at a time; and it limits ring time and call length. Raw requests come from a minimal UDP client
 * (scripts/lab/sip-udp.ts); panel calls from the real dialer over WebSocket.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SipDialer } from '../../device/phone/sip/sip-dialer.ts';
import type { SipEdgeHandle } from '../../scripts/lab/sip-edge.ts';
import { sipRequest } from '../../scripts/lab/sip-udp.ts';
import { type SippUas, startSippUas } from '../../scripts/lab/sipp.ts';
import {
  endAll,
  PANEL_PASSWORD,
  PANEL_USER,
  placeCall,
  request,
  startDialer,
  startLabEdge,
} from '../support/sip-lab.ts';

const RESIDENT = '+46700000301';
const RESIDENT_PW = 'resident-301';
const OTHER_BUILDING = '+46700000399';
const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n';

describe('SIP edge: who may do what', () => {
  let edge: SipEdgeHandle;
  let dialer: SipDialer;
  const uases: SippUas[] = [];

  beforeAll(async () => {
    edge = await startLabEdge();
    edge.addSubscriber(RESIDENT, RESIDENT_PW, 'phone');
    edge.addSubscriber(OTHER_BUILDING, 'other-pw', 'phone');
    edge.addSubscriber('panel-lab-2', 'panel-2-pw', 'panel');
    edge.addRoute(PANEL_USER, RESIDENT);
    // A panel login that is (wrongly) also listed as a number must still never be rung.
    edge.addRoute(PANEL_USER, 'panel-lab-2');
    dialer = await startDialer(edge);
  });
  afterEach(async () => {
    await endAll();
    await Promise.all(uases.splice(0).map((u) => u.stop()));
  });
  afterAll(async () => {
    await dialer?.stop();
    await edge?.stop();
  });

  const udp = () => ({ address: '127.0.0.1', port: edge.sipPort });
  const invite = (to: string, auth?: { username: string; password: string }) =>
    sipRequest(udp(), {
      method: 'INVITE',
      uri: `sip:${to}@${edge.domain}`,
      fromUser: auth?.username ?? 'anonymous',
      toUser: to,
      domain: edge.domain,
      auth,
      headers: ['Contact: <sip:caller@127.0.0.1:40001>'],
      body: { type: 'application/sdp', text: SDP },
    });
  const register = (login: string, password: string, as: string) =>
    sipRequest(udp(), {
      method: 'REGISTER',
      uri: `sip:${edge.domain}`,
      fromUser: as,
      toUser: as,
      domain: edge.domain,
      auth: { username: login, password },
      headers: [`Contact: <sip:${as}@127.0.0.1:40002>`, 'Expires: 60'],
    });

  it('answers OPTIONS (the harness waits on it)', async () => {
    const r = await sipRequest(udp(), {
      method: 'OPTIONS',
      uri: `sip:127.0.0.1:${edge.sipPort}`,
      fromUser: 'x',
      toUser: 'x',
      domain: edge.domain,
    });
    expect(r.status).toBe(200);
  });

  it('challenges an INVITE without credentials (407) and refuses a wrong password', async () => {
    expect((await invite(RESIDENT)).status).toBe(407);
    expect((await invite(RESIDENT, { username: PANEL_USER, password: 'wrong' })).status).toBe(407);
  });

  it('a panel with a wrong password: the call fails with 407', async () => {
    const wrong = await startDialer(edge, { password: 'not-the-password' });
    try {
      const placed = await placeCall(wrong, request(RESIDENT));
      expect(await placed.ended()).toMatchObject({ outcome: 'failed', sipStatus: 407 });
    } finally {
      await wrong.stop();
    }
  });

  it('a panel may not call a number outside its building (403 → failed), nor a non-number', async () => {
    const placed = await placeCall(dialer, request(OTHER_BUILDING));
    expect(await placed.ended()).toMatchObject({ outcome: 'failed', sipStatus: 403 });
    expect((await invite('sip-trunk-test', { username: PANEL_USER, password: PANEL_PASSWORD })).status).toBe(
      403,
    );
  });

  it('refuses INVITEs toward a panel, from a panel or a phone', async () => {
    expect((await invite('panel-lab-2', { username: PANEL_USER, password: PANEL_PASSWORD })).status).toBe(
      403,
    );
    expect((await invite(PANEL_USER, { username: RESIDENT, password: RESIDENT_PW })).status).toBe(403);
  });

  it('does not relay a forged in-dialog request (a to-tag and a Route naming the edge)', async () => {
    const forged = await sipRequest(udp(), {
      method: 'INVITE',
      uri: 'sip:+19005550100@127.0.0.1:9',
      fromUser: 'attacker',
      toUser: '+19005550100',
      domain: edge.domain,
      toTag: 'forged',
      headers: [`Route: <sip:127.0.0.1:${edge.sipPort};lr>`, 'Contact: <sip:attacker@127.0.0.1:40003>'],
      body: { type: 'application/sdp', text: SDP },
    });
    expect(forged.status).toBe(481);
  });

  it('a phone login may not place calls, even to a number a panel may call', async () => {
    expect((await invite(RESIDENT, { username: OTHER_BUILDING, password: 'other-pw' })).status).toBe(403);
  });

  it('phones register as their own number only; panels do not register', async () => {
    expect((await register(RESIDENT, RESIDENT_PW, RESIDENT)).status).toBe(200);
    expect((await register(RESIDENT, RESIDENT_PW, OTHER_BUILDING)).status).toBe(403);
    expect((await register(PANEL_USER, PANEL_PASSWORD, PANEL_USER)).status).toBe(403);
    expect((await register(RESIDENT, 'wrong', RESIDENT)).status).toBe(401);
  });

  it('a route the hub removes is refused at once', async () => {
    edge.removeRoute(PANEL_USER, RESIDENT);
    try {
      const placed = await placeCall(dialer, request(RESIDENT));
      expect(await placed.ended()).toMatchObject({ outcome: 'failed', sipStatus: 403 });
    } finally {
      edge.addRoute(PANEL_USER, RESIDENT);
    }
  });

  it('one call at a time per panel: a second login of the same panel is refused while the first call rings', async () => {
    const uas = await startSippUas({
      scenario: 'uas-no-answer.xml',
      register: { edge, number: RESIDENT, password: RESIDENT_PW },
    });
    uases.push(uas);
    const first = await placeCall(dialer, request(RESIDENT));
    await first.saw('ringing');
    const twin = await startDialer(edge);
    try {
      const second = await placeCall(twin, request(RESIDENT, { callId: 'second' }));
      expect(await second.ended()).toMatchObject({ outcome: 'failed', sipStatus: 403 });
    } finally {
      await twin.stop();
    }
    first.call.end();
    expect((await first.ended()).outcome).toBe('cancelled');
  });
});
