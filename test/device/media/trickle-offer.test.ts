/**
 * An offer made at ring time (no spare peer ready) does not wait for ICE gathering: it goes out once the
 * first candidate is gathered, the candidates not in it come as 'local-candidate' events, and an
 * end-of-candidates (null) closes them. The call connects as before.
 */
import { describe, expect, it } from 'vitest';
import type { IceCandidate } from '../../../cloud-sync/protocol/ice.ts';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS, peerState, useHarness } from './harness.ts';

describe('MediaEngine without spare peers: trickled offers', () => {
  const h = useHarness('vp8', { sparePeers: 0 });

  it('offers at once, trickles the candidates not in the offer, ends them, and connects', async () => {
    const trickled: (IceCandidate | null)[] = [];
    const off = h.engine.events.on('local-candidate', (e) => {
      if (e.peerId === 'trickled') trickled.push(e.candidate);
    });
    try {
      const { sdp } = await h.engine.openPeer('trickled', { video: true });
      await until(() => trickled.includes(null), 'end-of-candidates for the trickled offer', MEDIA_WAIT_MS);
      // The loopback host candidate is in the offer or follows it (werift writes candidates into its
      // description only once gathering is done, so usually it follows).
      const all = [sdp, ...trickled.map((c) => c?.candidate ?? '')].join('\n');
      expect(all).toMatch(/candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
      // Nothing after the end, and no candidate twice (the ones in the offer are not repeated).
      expect(trickled.at(-1)).toBeNull();
      for (const c of trickled.filter((c) => c !== null)) expect(sdp).not.toContain(c.candidate);
      const connected = peerState(h.engine, 'trickled', 'connected');
      await h.engine.acceptAnswer('trickled', await h.viewers.answer('trickled', sdp));
      await connected;
    } finally {
      off();
      await h.engine.closePeer('trickled').catch(() => undefined);
    }
  });
});
