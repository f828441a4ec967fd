/**
 * The panel's SIP dialer through the real SIP edge to sipp scenarios (test/sip/scenarios/) standing in for
 * the resident's phone: each final answer's outcome, early media, and digits by SIP INFO — from the
 * panel's own dialog only, well-formed only. Every scenario also checks the caller display.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SipDialer } from '../../../../device/phone/sip/sip-dialer.ts';
import type { SipEdgeHandle } from '../../../../scripts/lab/sip-edge.ts';
import { type SippUas, startSippUas } from '../../../../scripts/lab/sipp.ts';
import { writeDtmfTonePcap } from '../../../../scripts/lab/tone-pcap.ts';
import { until } from '../../../../scripts/lab/until.ts';
import {
  endAll,
  PANEL_USER,
  placeCall,
  request,
  startDialer,
  startLabEdge,
} from '../../../support/sip-lab.ts';

const RESIDENT = '+46700000201';
const PASSWORD = 'resident-201';

describe('SIP dialer → edge → sipp', () => {
  let edge: SipEdgeHandle;
  let dialer: SipDialer;
  const running: SippUas[] = [];

  beforeAll(async () => {
    edge = await startLabEdge();
    edge.addSubscriber(RESIDENT, PASSWORD, 'phone');
    edge.addRoute(PANEL_USER, RESIDENT);
    dialer = await startDialer(edge);
  });
  afterEach(async () => {
    await endAll();
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await dialer?.stop();
    await edge?.stop();
  });

  const sipp = async (scenario: string, vars?: Record<string, string>): Promise<SippUas> => {
    const uas = await startSippUas({
      scenario,
      vars,
      register: { edge, number: RESIDENT, password: PASSWORD },
    });
    running.push(uas);
    return uas;
  };
  const passed = async (uas: SippUas): Promise<void> => {
    const result = await uas.done;
    expect(result.code, `sipp failed:\n${result.output}\n${result.errors}`).toBe(0);
  };

  it.each([
    ['uas-busy.xml', 'busy', 486],
    ['uas-decline.xml', 'declined', 603],
  ] as const)('%s ends the call as %s', async (scenario, outcome, status) => {
    const uas = await sipp(scenario);
    const placed = await placeCall(dialer, request(RESIDENT));
    const end = await placed.ended();
    expect(end, end.reason).toMatchObject({ outcome, sipStatus: status });
    expect(placed.log.map((e) => e.event)).toEqual(['ringing', 'ended']);
    expect(placed.leg.starts).toHaveLength(0);
    await passed(uas);
  });

  it('a phone that only rings is CANCELled at the ring timeout: no_answer', async () => {
    const uas = await sipp('uas-no-answer.xml');
    const placed = await placeCall(dialer, request(RESIDENT, { ringTimeoutS: 1 }));
    await placed.saw('ringing');
    expect(await placed.ended(5000)).toMatchObject({ outcome: 'no_answer' });
    await passed(uas);
  });

  it('183 with SDP (early media) then 200: ringing early, then answered with the answer SDP', async () => {
    const uas = await sipp('uas-early-media.xml');
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('answered');
    expect(placed.log[0]).toEqual({ event: 'ringing', payload: { early: true } });
    expect(placed.leg.starts[0]?.remote).toMatchObject({ codec: 'pcmu', telephoneEventPt: 101 });
    placed.call.end();
    expect((await placed.ended()).outcome).toBe('answered');
    await passed(uas);
  });

  it('an answer without a usable codec fails the call with the reason, and the panel hangs up', async () => {
    const uas = await sipp('uas-answer-unusable.xml');
    const placed = await placeCall(dialer, request(RESIDENT));
    const end = await placed.ended();
    expect(end.outcome).toBe('failed');
    expect(end.reason).toMatch(/no G\.711 codec/);
    expect(placed.leg.starts).toHaveLength(0);
    await passed(uas); // it received the ACK and the BYE
  });

  it.each([
    ['uas-info-dtmf-relay.xml', 'application/dtmf-relay'],
    ['uas-info-dtmf.xml', 'application/dtmf'],
  ])('%s: digit 5 by SIP INFO (%s) arrives as a digit event', async (scenario) => {
    const uas = await sipp(scenario);
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('digit');
    expect(placed.log.find((e) => e.event === 'digit')?.payload).toEqual({ digit: '5', source: 'sip-info' });
    placed.call.end();
    await placed.ended();
    await passed(uas); // the scenario checks the INFO was answered 200
  });

  it("in-band tones: after the answer the phone's G.711 audio (a DTMF pcap) reaches the leg's port", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-inband-'));
    const packets = await writeDtmfTonePcap(join(dir, 'inband.pcap'), { digits: '5' });
    const uas = await startSippUas({
      scenario: 'uas-inband.xml',
      cwd: dir,
      register: { edge, number: RESIDENT, password: PASSWORD },
    });
    running.push(uas);
    const placed = await placeCall(dialer, request(RESIDENT));
    await placed.saw('answered');
    await until(() => placed.leg.packetsReceived >= packets, 'the tone packets at the media leg');
    placed.call.end();
    await placed.ended();
    await passed(uas);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['uas-info-malformed.xml', 'a malformed INFO is answered 400'],
    [
      'uas-info-foreign-dialog.xml',
      'an INFO in a dialog the panel did not place (refused by the edge, or by sip.js with 481)',
    ],
  ])('%s: %s and yields no digit', async (scenario) => {
    const uas = await sipp(scenario);
    const placed = await placeCall(dialer, request(RESIDENT));
    // The scenario hangs up once the panel answered its INFO (the answer code is the scenario's check).
    expect(await placed.ended()).toMatchObject({ outcome: 'answered', reason: 'phone hung up' });
    await passed(uas);
    expect(placed.digits()).toBe('');
  });
});
