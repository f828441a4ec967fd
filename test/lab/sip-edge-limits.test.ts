/**
 * The SIP edge's limits (ring time, call length, INVITE floods) and its WSS listener with the lab CA,
 * each on an edge of its own started with the define under test (as an operator sets it with -A).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipDialer } from '../../device/phone/sip/sip-dialer.ts';
import { FakeClock } from '../../lib/clock/fake-clock.ts';
import type { SipEdgeHandle } from '../../scripts/lab/sip-edge.ts';
import { sipRequest } from '../../scripts/lab/sip-udp.ts';
import { type SippUas, startSippUas } from '../../scripts/lab/sipp.ts';
import { endAll, PANEL_USER, placeCall, request, startDialer, startLabEdge } from '../support/sip-lab.ts';
import { makeTestPki } from '../support/tls-certs.ts';

const RESIDENT = '+46700000401';
const RESIDENT_PW = 'resident-401';

describe('SIP edge limits and WSS', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    await endAll();
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function edgeWith(options: Parameters<typeof startLabEdge>[0]): Promise<SipEdgeHandle> {
    const edge = await startLabEdge(options);
    cleanups.push(() => edge.stop());
    edge.addSubscriber(RESIDENT, RESIDENT_PW, 'phone');
    edge.addRoute(PANEL_USER, RESIDENT);
    return edge;
  }
  async function dialerFor(
    edge: SipEdgeHandle,
    options: Parameters<typeof startDialer>[1] = {},
  ): Promise<SipDialer> {
    const dialer = await startDialer(edge, options);
    cleanups.push(() => dialer.stop());
    return dialer;
  }
  async function sipp(edge: SipEdgeHandle, scenario: string): Promise<SippUas> {
    const uas = await startSippUas({ scenario, register: { edge, number: RESIDENT, password: RESIDENT_PW } });
    cleanups.push(() => uas.stop());
    return uas;
  }

  it('the edge ends a call at its call length limit (BYE to both sides)', async () => {
    const edge = await edgeWith({ maxCallS: 1 });
    const dialer = await dialerFor(edge);
    const uas = await sipp(edge, 'uas-answer.xml');
    const placed = await placeCall(dialer, request(RESIDENT, { maxCallS: 60 }));
    await placed.saw('answered');
    expect(await placed.ended(5000)).toMatchObject({ outcome: 'answered', reason: 'phone hung up' });
    // sipp's scenario ends with the BYE it received from the edge.
    expect((await uas.done).code).toBe(0);
  });

  it('the edge ends ringing at its ring time limit (408 → no_answer), even if the panel would wait longer', async () => {
    const edge = await edgeWith({ ringTimeoutMs: 1000 });
    const dialer = await dialerFor(edge);
    await sipp(edge, 'uas-no-answer.xml');
    const placed = await placeCall(dialer, request(RESIDENT, { ringTimeoutS: 30 }));
    await placed.saw('ringing');
    expect(await placed.ended(5000)).toMatchObject({ outcome: 'no_answer', sipStatus: 408 });
  });

  it("the panel's own call length limit hangs up (fake clock)", async () => {
    const edge = await edgeWith({});
    const clock = new FakeClock();
    const dialer = await dialerFor(edge, { clock });
    const uas = await sipp(edge, 'uas-answer.xml');
    const placed = await placeCall(dialer, request(RESIDENT, { maxCallS: 90 }));
    await placed.saw('answered');
    clock.advance(89_000);
    expect(placed.log.find((e) => e.event === 'ended')).toBeUndefined();
    clock.advance(1_000);
    expect(await placed.ended()).toMatchObject({
      outcome: 'answered',
      reason: 'call length limit',
      durationMs: 90_000,
    });
    expect((await uas.done).code).toBe(0);
  });

  it('routes an allowed number that is not registered to the trunk (TRUNK_URI)', async () => {
    const trunk = await startSippUas({ scenario: 'uas-busy.xml' });
    cleanups.push(() => trunk.stop());
    const edge = await edgeWith({ trunkUri: `sip:127.0.0.1:${trunk.port}` });
    const dialer = await dialerFor(edge);
    const placed = await placeCall(dialer, request('+46700000499'));
    // Not in panel_route: refused before the trunk sees it.
    expect(await placed.ended()).toMatchObject({ outcome: 'failed', sipStatus: 403 });
    edge.addRoute(PANEL_USER, '+46700000499');
    const routed = await placeCall(dialer, request('+46700000499', { callId: 'trunk-2' }));
    expect(await routed.ended()).toMatchObject({ outcome: 'busy', sipStatus: 486 });
    expect((await trunk.done).code).toBe(0);
  });

  it('drops an INVITE flood from one address (pike)', async () => {
    const edge = await edgeWith({ defines: ['PIKE_REQS_PER_2S=5'] });
    const answered: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await sipRequest(
        { address: '127.0.0.1', port: edge.sipPort },
        {
          method: 'INVITE',
          uri: `sip:${RESIDENT}@${edge.domain}`,
          fromUser: 'flood',
          toUser: RESIDENT,
          domain: edge.domain,
          timeoutMs: 200,
        },
      ).catch(() => undefined);
      if (r) answered.push(r.status);
    }
    // The first ones are challenged; once over the density the rest get no answer at all.
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(15);
    expect(new Set(answered)).toEqual(new Set([407]));
  });

  it('panels reach it over WSS with the edge CA pinned; a panel pinning another CA cannot connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-sip-pki-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const pki = makeTestPki(dir);
    const edge = await edgeWith({ tls: { certFile: pki.serverCert, keyFile: pki.serverKey } });
    const url = edge.wssUrl ?? '';
    expect(url).toMatch(/^wss:/);
    const pinned = await dialerFor(edge, { url, ca: readFileSync(pki.caCert, 'utf8') });
    const uas = await sipp(edge, 'uas-info-dtmf-relay.xml');
    const placed = await placeCall(pinned, request(RESIDENT));
    await placed.saw('digit');
    placed.call.end();
    await placed.ended();
    expect((await uas.done).code).toBe(0);

    const wrongCa = await dialerFor(edge, { url, ca: readFileSync(pki.otherCaCert, 'utf8') });
    const refused = await placeCall(wrongCa, request(RESIDENT));
    expect(await refused.ended()).toMatchObject({
      outcome: 'failed',
      reason: expect.stringMatching(/SIP edge unreachable/),
    });
  });
});
