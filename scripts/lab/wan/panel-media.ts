/**
 * The panel's media side as a process of its own, for the WAN lab: the real MediaEngine (its media
 * process, werift, the sim camera's GStreamer pipeline) started inside a lab namespace (the panel LAN),
 * driven over the IPC channel by a test or bench in another namespace. Everything it starts inherits its
 * namespace, as the panel's media would on a real panel host.
 *
 * Environment: PORTVAKT_WAN_ICE_SERVERS (JSON IceServer[]), PORTVAKT_WAN_SPARE_PEERS (default 0: every
 * offer made on demand, as when the spares are used up).
 * IPC in:  {type:'open', peerId} | {type:'answer', peerId, sdp} | {type:'candidate', peerId, candidate}
 *          | {type:'close', peerId} | {type:'stats'} | {type:'stop'}
 * IPC out: {type:'ready'} | {type:'offer', peerId, sdp} | {type:'state', peerId, state}
 *          | {type:'local-candidate', peerId, candidate} | {type:'stats', stats} | {type:'error', message}
 */
import { MediaEngine } from '../../../device/media/engine.ts';
import type { IceServer } from '../../../device/media/protocol.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';

const send = (message: unknown) => process.send?.(message);
if (!process.send) throw new Error('panel-media.ts runs as a child with an IPC channel (WanPanelMedia)');

const clock = new SystemClock();
const deps = { clock, logger: silentLogger, restart: { initialDelayMs: 200 } };
const engine = new MediaEngine({
  source: createAvSource(cameraConfigSchema.parse({ driver: 'sim', codec: 'vp8' }), deps),
  speaker: createSpeaker({ driver: 'sim' }, deps),
  clock,
  logger: silentLogger,
  loopbackOnly: false,
  iceServers: JSON.parse(process.env['PORTVAKT_WAN_ICE_SERVERS'] ?? '[]') as IceServer[],
  sparePeers: Number(process.env['PORTVAKT_WAN_SPARE_PEERS'] ?? 0),
});
engine.events.on('peer-state', ({ peerId, state }) => send({ type: 'state', peerId, state }));
engine.events.on('local-candidate', ({ peerId, candidate }) =>
  send({ type: 'local-candidate', peerId, candidate }),
);

type Request =
  | { type: 'open'; peerId: string }
  | { type: 'answer'; peerId: string; sdp: string }
  | {
      type: 'candidate';
      peerId: string;
      candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null };
    }
  | { type: 'close'; peerId: string }
  | { type: 'stats' }
  | { type: 'stop' };

process.on('message', (m: Request) => {
  const step = async () => {
    switch (m.type) {
      case 'open':
        send({
          type: 'offer',
          peerId: m.peerId,
          sdp: (await engine.openPeer(m.peerId, { video: true })).sdp,
        });
        return;
      case 'answer':
        await engine.acceptAnswer(m.peerId, m.sdp);
        return;
      case 'candidate':
        await engine.addRemoteCandidate(m.peerId, m.candidate).catch(() => undefined);
        return;
      case 'close':
        await engine.closePeer(m.peerId).catch(() => undefined);
        return;
      case 'stats':
        send({ type: 'stats', stats: await engine.stats() });
        return;
      case 'stop':
        await engine.stop();
        process.exit(0);
    }
  };
  step().catch((err: unknown) => send({ type: 'error', message: errorMessage(err) }));
});
process.on('disconnect', () => void engine.stop().finally(() => process.exit(0)));

await engine.start();
send({ type: 'ready' });
