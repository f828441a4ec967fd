import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../lib/errors.ts';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS, peerState, useHarness } from './harness.ts';

// One VP8 engine for the file: the sim camera in gst-launch, werift in the media worker, viewers in a
// separate process. Tests build on each other's peers, in order.
const h = useHarness('vp8');

describe('MediaEngine (VP8)', { timeout: 60_000 }, () => {
  it('fans one encoded video stream out to 3 peers, first frame a keyframe; no microphone before an answer', async () => {
    await Promise.all(['p1', 'p2', 'p3'].map((id) => h.connect(id)));
    for (const id of ['p1', 'p2', 'p3']) {
      const s = await until(
        async () => {
          const peer = await h.viewers.peer(id);
          return peer.videoPackets > 30 && peer;
        },
        `${id} receiving`,
        MEDIA_WAIT_MS,
      );
      expect(s.firstVideoIsKeyframe).toBe(true);
    }
    const stats = await h.engine.stats();
    expect(stats.peers.map((p) => [p.peerId, p.state, p.video])).toEqual([
      ['p1', 'connected', true],
      ['p2', 'connected', true],
      ['p3', 'connected', true],
    ]);
    // One encoder: no peer got more packets than arrived from the camera.
    for (const p of stats.peers) expect(p.videoPacketsSent).toBeLessThanOrEqual(stats.ingress.videoPackets);
    expect(stats.keyframes.requested['peer-connected']).toBe(3);
    expect(stats.keyframes.sent).toBeLessThanOrEqual(3);
    expect(stats.sourcePid).toBe(h.source.pid);
    // Early media: the microphone runs, but nobody has answered, so not one packet of it leaves.
    expect(stats.talker).toBeNull();
    expect(stats.ingress.audioPackets).toBeGreaterThan(25);
    for (const p of stats.peers) expect(p.audioPacketsSent).toBe(0);
    for (const id of ['p1', 'p2', 'p3']) expect((await h.viewers.peer(id)).audioPackets).toBe(0);
  });

  it('from the answer on the microphone reaches the talker alone; another talker or none stops it', async () => {
    const audio = async () => {
      const all = await h.viewers.stats();
      return ['p1', 'p2', 'p3'].map((id) => all[id]!.audioPackets);
    };
    await h.engine.setTalker('p1');
    await until(async () => (await audio())[0]! > 30, 'the microphone at the talker', MEDIA_WAIT_MS);
    const [, p2, p3] = await audio();
    expect([p2, p3]).toEqual([0, 0]);
    expect((await h.engine.stats()).peers.map((p) => p.audioPacketsSent > 0)).toEqual([true, false, false]);

    await h.engine.setTalker('p2');
    await until(async () => (await audio())[1]! > 30, 'the microphone at the new talker', MEDIA_WAIT_MS);
    await sleep(300); // packets already in flight to p1
    const switched = await audio();
    await sleep(800);
    const later = await audio();
    expect(later[0]).toBe(switched[0]);
    expect(later[1]).toBeGreaterThan(switched[1]! + 20);
    expect(later[2]).toBe(0);

    await h.engine.setTalker(undefined);
    await sleep(300);
    const silenced = await audio();
    await sleep(800);
    expect(await audio()).toEqual(silenced);
    expect((await h.engine.stats()).talker).toBeNull();
  });

  it("a viewer's PLI, sent as Chrome sends it (from its audio SSRC), gets a keyframe from the encoder", async () => {
    await sleep(600); // past the shared encoder's rate limit
    const before = await h.viewers.peer('p2');
    const requested = (await h.engine.stats()).keyframes.requested.pli;
    await h.viewers.pli('p2');
    await until(
      async () => (await h.engine.stats()).keyframes.requested.pli > requested,
      'the PLI to reach the panel',
      MEDIA_WAIT_MS,
    );
    await until(
      async () => (await h.viewers.peer('p2')).keyframes > before.keyframes,
      'a keyframe after the PLI',
      5000,
    );
  });

  it('a FIR gets a keyframe too; a repeated FIR (same sequence number) is not a new request', async () => {
    await sleep(600);
    const before = await h.viewers.peer('p1');
    const fir = (await h.engine.stats()).keyframes.requested.fir;
    await h.viewers.fir('p1', 7);
    await until(
      async () => (await h.engine.stats()).keyframes.requested.fir === fir + 1,
      'the FIR to reach the panel',
      MEDIA_WAIT_MS,
    );
    await until(
      async () => (await h.viewers.peer('p1')).keyframes > before.keyframes,
      'a keyframe after the FIR',
      5000,
    );
    await h.viewers.fir('p1', 7);
    await h.viewers.fir('p1', 8);
    await until(
      async () => (await h.engine.stats()).keyframes.requested.fir >= fir + 2,
      'the next FIR',
      MEDIA_WAIT_MS,
    );
    await sleep(300);
    expect((await h.engine.stats()).keyframes.requested.fir).toBe(fir + 2);
  });

  it('an audio-only peer gets no video RTP at all, but the microphone once it answers; video resumes at a keyframe', async () => {
    // The answer comes before the peer is connected: the microphone starts once it is.
    const connected = peerState(h.engine, 'a1', 'connected');
    const { sdp } = await h.engine.openPeer('a1', { video: false });
    await h.engine.setTalker('a1');
    await h.engine.acceptAnswer('a1', await h.viewers.answer('a1', sdp));
    await connected;
    await h.engine.setVideo('p3', false);
    await sleep(300); // packets already in flight
    const off = await h.viewers.peer('p3');
    await sleep(1500);
    const later = await h.viewers.peer('p3');
    expect(later.videoPackets).toBe(off.videoPackets);
    const audioOnly = await h.viewers.peer('a1');
    expect(audioOnly.audioPackets).toBeGreaterThan(20);
    expect(audioOnly.videoPackets).toBe(0);
    await h.engine.setTalker(undefined);

    await h.viewers.mark('p3');
    await h.engine.setVideo('p3', true);
    const resumed = await until(
      async () => {
        const p = await h.viewers.peer('p3');
        return p.videoPackets > later.videoPackets + 10 && p;
      },
      'video again',
      MEDIA_WAIT_MS,
    );
    expect(resumed.markedIsKeyframe).toBe(true);
  });

  it("only the talker's audio goes to the speaker", async () => {
    await h.viewers.talk('p1', true);
    await h.viewers.talk('p2', true);
    await h.engine.setTalker('p1');
    await until(() => h.speaker.stats().packets >= 50, '50 packets at the speaker', MEDIA_WAIT_MS);
    const stats = await h.engine.stats();
    const p1 = stats.peers.find((p) => p.peerId === 'p1')!;
    const p2 = stats.peers.find((p) => p.peerId === 'p2')!;
    expect(stats.talker).toBe('p1');
    expect(p2.audioPacketsReceived).toBeGreaterThan(20); // heard by the panel, not played
    expect(stats.speakerPacketsSent).toBeLessThanOrEqual(p1.audioPacketsReceived);
    expect(h.speaker.stats().ssrcs).toHaveLength(1);

    await h.engine.setTalker(undefined);
    await sleep(300);
    const muted = h.speaker.stats().packets;
    await sleep(800);
    expect(h.speaker.stats().packets).toBe(muted);
    await h.viewers.talk('p1', false);
    await h.viewers.talk('p2', false);
  });

  it('bad input gets a clear error, changes nothing, and the engine keeps working', async () => {
    const { engine } = h;
    await expect(engine.acceptAnswer('nobody', 'v=0')).rejects.toThrow(
      new NotFoundError('no open peer "nobody"'),
    );
    await expect(engine.openPeer('bad id!', { video: true })).rejects.toThrow(ValidationError);
    await expect(engine.openPeer('p1', { video: true })).rejects.toThrow('peer "p1" is already open');
    await expect(engine.setTalker('ghost')).rejects.toThrow(NotFoundError);
    expect((await engine.stats()).talker).toBeNull();

    const { sdp } = await engine.openPeer('late', { video: true });
    await expect(engine.acceptAnswer('late', 'this is not SDP')).rejects.toThrow(/^malformed SDP answer: /);
    await expect(engine.addRemoteCandidate('late', { candidate: 'garbage' })).rejects.toThrow(
      /^malformed ICE candidate "garbage"/,
    );
    await expect(
      engine.addRemoteCandidate('late', { candidate: 'candidate:1 1 udp 2130706431 10.1.2.3 5000 typ host' }),
    ).rejects.toThrow(
      'ICE candidate ignored: 10.1.2.3 is not a loopback address and the media engine is loopback-only',
    );
    await expect(engine.addRemoteCandidate('late', { candidate: 42 } as never)).rejects.toThrow(
      ValidationError,
    );

    // The same peer still takes a good answer and gets video.
    const connected = peerState(engine, 'late', 'connected');
    await engine.acceptAnswer('late', await h.viewers.answer('late', sdp));
    await connected;
    await until(
      async () => (await h.viewers.peer('late')).videoPackets > 10,
      'video at the late peer',
      MEDIA_WAIT_MS,
    );
    expect((await h.viewers.peer('late')).firstVideoIsKeyframe).toBe(true);
    await expect(engine.acceptAnswer('late', sdp)).rejects.toThrow(/not waiting for an answer/);

    await engine.closePeer('late');
    await expect(engine.closePeer('late')).rejects.toThrow(NotFoundError);
    expect((await engine.stats()).peers.map((p) => p.peerId)).toEqual(['p1', 'p2', 'p3', 'a1']);
  });

  it('keeps spare peers ready: ringing takes one, whose offer is complete, and the pool refills', async () => {
    const { engine } = h;
    await until(async () => (await engine.stats()).sparePeers === 4, '4 spare peers', MEDIA_WAIT_MS);
    const { sdp } = await engine.openPeer('from-spare', { video: false });
    expect((await engine.stats()).sparePeers).toBe(3);
    expect(sdp).toMatch(/a=candidate:.* 127\.0\.0\.1 /);
    expect((await engine.stats()).peers.find((p) => p.peerId === 'from-spare')?.video).toBe(false);
    await until(async () => (await engine.stats()).sparePeers === 4, 'the pool refilled', MEDIA_WAIT_MS);
    await engine.closePeer('from-spare');
  });

  it('a closed peer gives back its UDP sockets: calls do not leak file descriptors', async () => {
    const { engine } = h;
    await until(async () => (await engine.stats()).sparePeers === 4, '4 spare peers', MEDIA_WAIT_MS);
    const baseline = (await engine.stats()).udpSockets;
    for (const round of [1, 2, 3]) {
      const ids = [`leak${round}a`, `leak${round}b`];
      await Promise.all(ids.map((id) => h.connect(id)));
      for (const id of ids) await engine.closePeer(id);
      for (const id of ids) await h.viewers.close(id);
    }
    await until(async () => (await engine.stats()).sparePeers === 4, 'the pool refilled', MEDIA_WAIT_MS);
    // Six peers came and went: a leak of even one socket each stays above the baseline. A spare peer that
    // was still gathering (or closing) when the baseline was read may leave it one below.
    await until(
      async () => (await engine.stats()).udpSockets <= baseline,
      `UDP sockets back to at most ${baseline}`,
      MEDIA_WAIT_MS,
    );
  });
});
