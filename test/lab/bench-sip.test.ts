/**
 * The bench group `sip` at a tiny size, so it cannot rot: Kamailio (shipped cfg), the real panel with its
 * phone fallback and media process, and the scripted phone — one call per digit kind after the warm-up.
 * The figures belong to `npm run bench -- --only sip`; this pins that every call rings, is answered, and
 * that its digit '5' (RFC 4733, then SIP INFO) energizes the relay, timed from the phone's stamps.
 */
import { describe, expect, it } from 'vitest';
import { benchSip } from '../../scripts/bench/sip.ts';

describe('bench group sip (tiny)', () => {
  it('times the 180 of every call and the relay after each digit, none lost', async () => {
    const [ringing, rfc4733, info] = await benchSip({ calls: 1 });
    expect(ringing).toMatchObject({ metric: 'sip_invite_to_ringing_p50_ms', n: 2 });
    expect(rfc4733).toMatchObject({ metric: 'dtmf_to_relay_p99_ms', n: 1, lost: 0 });
    expect(info).toMatchObject({ metric: 'dtmf_to_relay_p99_ms_sip_info', n: 1, lost: 0 });
    // Each figure is a time after its start stamp: the relay cannot move before the digit was sent.
    for (const line of [ringing, rfc4733, info]) expect(line?.value).toBeGreaterThan(0);
  }, 90_000);
});
