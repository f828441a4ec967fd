/** The product side of the media bench: MediaEngine (media process, werift) on the sim camera, VP8. */
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
    },
    close: (peerId) => engine.closePeer(peerId),
    stats: () => engine.stats(),
    stop: () => engine.stop(),
    helperPids: async () => {
      const pid = (await engine.stats()).mediaPid;
      return pid === undefined ? [] : [pid];
    },
  };
});
