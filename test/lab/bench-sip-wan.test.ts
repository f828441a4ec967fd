/**
 * The bench group `wan-sip` at a tiny size (it cannot rot), and what media across the panel's NAT needs:
 * the panel (behind NAT router A, over WSS) calls a phone on the internet side through the SIP edge, with
 * 40 ms RTT and 1 % loss on the panel's link. The panel announces its private address and takes RTP only
 * from the answered address and port, so a phone's RFC 4733 digits reach it only when the phone latches
 * onto the panel's RTP (symmetric RTP); SIP INFO rides the signaling and opens either way.
 */
import { describe, expect, it } from 'vitest';
import { benchSipWan } from '../../scripts/bench/sip-wan.ts';

describe('bench group wan-sip (tiny)', () => {
  it('a latching phone: every call rings, and both digit kinds open', async () => {
    const [ringing, rfc4733, info] = await benchSipWan({ calls: 1 });
    expect(ringing).toMatchObject({ metric: 'wan_sip_invite_to_ringing_p50_ms', n: 2 });
    // At least the two INVITE legs across the 20 ms one-way link: 407 round trip, then INVITE and 180.
    expect(ringing?.value).toBeGreaterThan(60);
    expect(rfc4733).toMatchObject({ metric: 'wan_dtmf_to_relay_p99_ms', n: 1, lost: 0 });
    expect(rfc4733?.value).toBeGreaterThan(15); // one way across the 20 ms link (jitter 1 ms)
    expect(info).toMatchObject({ metric: 'wan_dtmf_to_relay_p99_ms_sip_info', n: 1, lost: 0 });
  }, 120_000);

  it("a phone that sends RTP to the panel's SDP address: RFC 4733 digits are lost behind NAT, SIP INFO opens", async () => {
    const [, rfc4733, info] = await benchSipWan({ calls: 1, symmetricRtp: false });
    expect(rfc4733).toMatchObject({ n: 0, lost: 1 });
    expect(info).toMatchObject({ n: 1, lost: 0 });
  }, 120_000);
});
