/**
 * The product side of the media bench: MediaEngine (media process, werift) on the sim camera, VP8. The
 * first peer to connect is the one that answered (the talker): video goes to every peer, the microphone
 * to that one alone, as in a call; media-bare-fanout.ts does the same work.
 */
import { MediaEngine } from '../../device/media/engine.ts';
import { cameraConfigSchema } from '../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../hal/camera/drivers.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { serveSender } from './media-sender-ipc.ts';

await serveSender(async () => {
  const clock = new SystemClock();
  const deps = { clock, logger: silentLogger };
  const engine = new MediaEngine({
    source: createAvSource(cameraConfigSchema.parse({ testPattern: 'bars' }), deps),
    speaker: createSpeaker({ driver: 'sim' }, deps),
    clock,
    logger: silentLogger,
  });
  await engine.start();
  let talker: string | undefined;
  return {
    async open(peerId) {
      return (await engine.openPeer(peerId, { video: true })).sdp;
    },
    async answer(peerId, sdp) {
      const connected = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${peerId} not connected in 15 s`)), 15_000);
        const off = engine.events.on('peer-state', (e) => {
          if (e.peerId === peerId && e.state === 'connected') {
            clearTimeout(timer);
            off();
            resolve();
          }
        });
      });
      await engine.acceptAnswer(peerId, sdp);
      await connected;
      if (talker === undefined) {
        talker = peerId;
        await engine.setTalker(peerId);
      }
    },
    close: async (peerId) => {
      if (talker === peerId) talker = undefined;
      await engine.closePeer(peerId);
    },
    stats: () => engine.stats(),
    stop: () => engine.stop(),
    helperPids: async () => {
      const { mediaPid: pid, mediaIsolation } = await engine.stats();
      // A media thread's CPU is already this process's own.
      return pid === undefined || mediaIsolation === 'thread' ? [] : [pid];
    },
  };
});
