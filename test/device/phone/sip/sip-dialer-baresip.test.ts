/**
 * The panel's SIP dialer through the real SIP edge (Kamailio with the shipped cfg) to a real phone
 * (baresip registered as the resident's number).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SipDialer } from '../../../../device/phone/sip/sip-dialer.ts';
import { type BaresipPhone, startBaresipPhone } from '../../../../scripts/lab/baresip-phone.ts';
import type { SipEdgeHandle } from '../../../../scripts/lab/sip-edge.ts';
import { until } from '../../../../scripts/lab/until.ts';
import {
  endAll,
  PANEL_USER,
  placeCall,
  request,
  startDialer,
  startLabEdge,
} from '../../../support/sip-lab.ts';

const RESIDENT = '+46700000101';

describe('SIP dialer → edge → baresip', () => {
  let edge: SipEdgeHandle;
  let dialer: SipDialer;
  const phones: BaresipPhone[] = [];

  beforeAll(async () => {
    edge = await startLabEdge();
    edge.addSubscriber(RESIDENT, 'resident-pw', 'phone');
    edge.addRoute(PANEL_USER, RESIDENT);
    dialer = await startDialer(edge);
  });
  afterEach(async () => {
    // A failed test must not leave its call up (the panel has one call at a time).
    await endAll();
    await Promise.all(phones.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => {
    await dialer?.stop();
    await edge?.stop();
  });

  const phone = async (autoAnswer: boolean): Promise<BaresipPhone> => {
    const p = await startBaresipPhone({
      number: RESIDENT,
      password: 'resident-pw',
      domain: edge.domain,
      edgePort: edge.sipPort,
      autoAnswer,
    });
    phones.push(p);
    return p;
  };

  it('rings, is answered (media starts on the answer), and ends when the phone hangs up', async () => {
    const resident = await phone(true);
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('answered');
    // baresip's auto-answer may send 200 OK without a 180 first.
    expect(placed.log.map((e) => e.event).filter((e) => e !== 'ringing')).toEqual(['answered']);
    expect(placed.leg.starts).toHaveLength(1);
    expect(placed.leg.starts[0]?.remote).toMatchObject({
      address: '127.0.0.1',
      codec: 'pcmu',
      telephoneEventPt: expect.any(Number),
    });
    await resident.waitFor('CALL_ESTABLISHED');
    resident.hangup();
    const end = await placed.ended();
    expect(end.outcome).toBe('answered');
    expect(end.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('after the answer the phone sends audio to the leg, and a digit as an RFC 4733 event', async () => {
    const resident = await phone(true);
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('answered');
    await resident.waitFor('CALL_ESTABLISHED');
    const eventPt = placed.leg.starts[0]?.remote.telephoneEventPt;
    expect(eventPt).toBe(101); // the panel's offer; baresip answers with it
    await until(() => placed.leg.payloadTypes.includes(0), 'PCMU audio from the phone');
    resident.sendDigit('5');
    await until(() => placed.leg.payloadTypes.includes(101), 'a telephone-event packet from the phone');
    placed.call.end();
    await placed.ended();
  });

  it('the visitor leaving while it rings cancels the call (outcome cancelled; the phone stops ringing)', async () => {
    const resident = await phone(false);
    const placed = await placeCall(dialer, request(RESIDENT));
    await resident.waitFor('CALL_INCOMING');
    await placed.saw('ringing');
    placed.call.end();
    expect((await placed.ended()).outcome).toBe('cancelled');
    await resident.waitFor('CALL_CLOSED');
    expect(placed.leg.starts).toHaveLength(0);
  });

  it('the visitor leaving an answered call hangs up with BYE', async () => {
    const resident = await phone(true);
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('answered');
    placed.call.end();
    expect((await placed.ended()).outcome).toBe('answered');
    await resident.waitFor('CALL_CLOSED');
  });
});
