import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS, useHarness } from './harness.ts';

const h = useHarness('h264');

describe('MediaEngine (H.264 constrained baseline)', { timeout: 60_000 }, () => {
  it('negotiates H.264 packetization-mode=1, profile-level-id 42e01f and delivers it from a keyframe on', async () => {
    const { sdp } = await h.engine.openPeer('h1', { video: true });
    expect(sdp).toMatch(/a=rtpmap:96 H264\/90000/);
    expect(sdp).toMatch(/a=fmtp:96 .*packetization-mode=1/);
    expect(sdp).toMatch(/a=fmtp:96 .*profile-level-id=42e01f/);
    expect(sdp).not.toMatch(/VP8/);
    expect(sdp.match(/^a=candidate:.*$/gm)?.every((c) => c.split(' ')[4]!.startsWith('127.'))).toBe(true);
    await h.engine.acceptAnswer('h1', await h.viewers.answer('h1', sdp));
    await h.connect('h2');
    await h.engine.setTalker('h1');
    for (const id of ['h1', 'h2']) {
      const s = await until(
        async () => {
          const p = await h.viewers.peer(id);
          return p.videoFrames > 20 && (id === 'h2' || p.audioPackets > 20) && p;
        },
        `${id} receiving`,
        MEDIA_WAIT_MS,
      );
      expect(s.firstVideoIsKeyframe).toBe(true);
    }
    // h2 did not answer: video only.
    expect((await h.viewers.peer('h2')).audioPackets).toBe(0);
  });

  it('honours a PLI with an IDR (SPS/PPS first)', async () => {
    await sleep(600);
    const before = (await h.viewers.peer('h1')).keyframes;
    await h.viewers.pli('h1');
    await until(
      async () => (await h.viewers.peer('h1')).keyframes > before,
      'a keyframe after the PLI',
      5000,
    );
  });
});
