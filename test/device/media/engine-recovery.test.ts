import { describe, expect, it } from 'vitest';
import { MediaError } from '../../../device/media/engine.ts';
import { MEDIA_ISOLATIONS } from '../../../device/media/media-link.ts';
import { until } from '../../../scripts/lab/until.ts';
import { MEDIA_WAIT_MS, useHarness } from './harness.ts';

// The real worker, plus a hook that crashes it on request (see crashing-worker.ts).
const workerUrl = new URL('./crashing-worker.ts', import.meta.url);

describe.each(MEDIA_ISOLATIONS)('MediaEngine recovery, media %s', { timeout: 60_000 }, (isolation) => {
  const h = useHarness('vp8', { workerUrl, workerRestartDelayMs: 200, isolation });

  it('kill -9 of the camera pipeline mid-stream: restarted, and the peers keep receiving', async () => {
    await h.connect('r1');
    await h.connect('r2');
    await h.engine.setTalker('r1');
    await until(async () => (await h.viewers.peer('r1')).audioPackets > 30, 'audio flowing', MEDIA_WAIT_MS);
    await until(async () => (await h.viewers.peer('r2')).videoPackets > 30, 'video flowing', MEDIA_WAIT_MS);
    const pid = h.source.pid!;
    const restarted = new Promise<{ pid: number }>((resolve) =>
      h.engine.events.once('source-restarted', resolve),
    );
    process.kill(pid, 'SIGKILL');
    expect((await restarted).pid).not.toBe(pid);
    const after = await h.viewers.stats();
    for (const id of ['r1', 'r2']) {
      await until(
        async () => {
          const p = await h.viewers.peer(id);
          // r1 answered (the talker): its microphone resumes too; r2 only rings and gets video alone.
          const audio = id === 'r1' ? p.audioPackets > after[id]!.audioPackets + 30 : p.audioPackets === 0;
          return p.videoPackets > after[id]!.videoPackets + 30 && audio;
        },
        `${id} receiving again`,
        MEDIA_WAIT_MS,
      );
    }
    expect((await h.engine.stats()).peers.every((p) => p.state === 'connected')).toBe(true);
  });

  it('a crashed media worker is reported, its peers closed, and a new worker serves new peers', async () => {
    const closed: string[] = [];
    h.engine.events.on('peer-state', (e) => {
      if (e.state === 'closed') closed.push(e.peerId);
    });
    const crashed = new Promise<{ reason: string }>((resolve) =>
      h.engine.events.once('worker-crashed', resolve),
    );
    const restarted = new Promise<{ restarts: number }>((resolve) =>
      h.engine.events.once('worker-restarted', resolve),
    );
    await expect(h.engine.closePeer('crash-now')).rejects.toThrow();
    expect((await crashed).reason).toBe('exit code 7');
    expect(closed.sort()).toEqual(['r1', 'r2']);
    // Until the new worker is up, calls fail with a clear error instead of hanging.
    await expect(h.engine.stats()).rejects.toThrow(
      new MediaError('cannot stats: the media worker is restarting'),
    );
    expect((await restarted).restarts).toBe(1);

    await h.connect('r3');
    await until(
      async () => (await h.viewers.peer('r3')).videoPackets > 10,
      'video at the new peer',
      MEDIA_WAIT_MS,
    );
    const stats = await h.engine.stats();
    expect(stats.peers.map((p) => p.peerId)).toEqual(['r3']);
    expect(stats.workerRestarts).toBe(1);
  });

  it.runIf(isolation === 'thread')(
    'a media thread that leaks is ended at its heap limit; the panel goes on and starts a new one',
    async () => {
      const crashed = new Promise<{ reason: string }>((resolve) =>
        h.engine.events.once('worker-crashed', resolve),
      );
      const restarted = new Promise<{ restarts: number }>((resolve) =>
        h.engine.events.once('worker-restarted', resolve),
      );
      await expect(h.engine.closePeer('leak-now')).rejects.toThrow();
      expect((await crashed).reason).toMatch(/memory limit/);
      expect((await restarted).restarts).toBe(2);
      await h.connect('r4');
      expect((await h.engine.stats()).mediaPid).toBe(process.pid);
    },
  );
});
