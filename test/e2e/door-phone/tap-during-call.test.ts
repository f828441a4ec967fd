/**
 * A card tap while the bell streams video to 8 app devices (werift viewers in their own process, logged
 * in over MQTT): the benchmark's rig at a small scale. The latency figure itself belongs to
 * `npm run bench` (tap_to_relay_p99_ms_8_peers, target 5 ms); this test pins what makes it possible and
 * holds on any machine: the relay moves within the reader's event, in the same synchronous turn, with
 * the call in progress, and the call's video keeps coming to every device while the door opens.
 */
import { describe, expect, it } from 'vitest';
import { benchTapEightPeers } from '../../../scripts/bench/tap-8-peers.ts';

describe('card taps during a call to 8 app devices', () => {
  it('every tap moves the relay in the same turn, and all 8 devices keep getting video', async () => {
    // measureTaps throws when a granted tap has not energized the relay by the time tap() returns;
    // tapsDuringCall throws unless all 8 devices get video before the taps and keep getting it.
    const [during, ratio] = await benchTapEightPeers({ rounds: 1, tapsPerRound: 40 });
    expect(during).toMatchObject({ metric: 'tap_to_relay_p99_ms_8_peers', n: 40 });
    expect(during?.['min_video_packets_per_s']).toBeGreaterThanOrEqual(5);
    expect(ratio).toMatchObject({ metric: 'tap_to_relay_p99_ratio_8_peers_vs_0', n: 40 });
  }, 120_000);
});
