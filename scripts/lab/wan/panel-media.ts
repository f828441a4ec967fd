/**
 * The panel's media side as a process of its own, for the WAN lab: the real MediaEngine (its media
 * process, werift, the sim camera's GStreamer pipeline) started inside a lab namespace (the panel LAN),
 * driven over the IPC channel by a test or bench in another namespace. Everything it starts inherits its
 * namespace, as the panel's media would on a real panel host. With PORTVAKT_WAN_BARE=1 it runs the bare
 * reference call instead (bare-peer.ts).
 *
 * Environment: PORTVAKT_WAN_ICE_SERVERS (JSON IceServer[]), PORTVAKT_WAN_SPARE_PEERS (default 0: every
 * offer made on demand, as when the spares are used up), PORTVAKT_WAN_BARE.
 * IPC in:  {type:'open', peerId} | {type:'answer', peerId, sdp} | {type:'candidate', peerId, candidate}
 *          | {type:'close', peerId} | {type:'stats'} | {type:'stop'}
 * IPC out: {type:'ready'} | {type:'offer', peerId, sdp} | {type:'state', peerId, state}
 *          | {type:'local-candidate', peerId, candidate} | {type:'stats', stats} | {type:'error', message}
 */
import type { IceCandidate } from '../../../cloud-sync/protocol/ice.ts';
import { MediaEngine } from '../../../device/media/engine.ts';
import type { IceServer } from '../../../device/media/protocol.ts';
import { cameraConfigSchema } from '../../../hal/camera/config-schema.ts';
import { createAvSource, createSpeaker } from '../../../hal/camera/drivers.ts';
import { SystemClock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { BarePeers } from './bare-peer.ts';

const send = (message: unknown) => process.send?.(message);
if (!process.send) throw new Error('panel-media.ts runs as a child with an IPC channel (WanPanelMedia)');

const clock = new SystemClock();
const deps = { clock, logger: silentLogger, restart: { initialDelayMs: 200 } };
const source = createAvSource(cameraConfigSchema.parse({ driver: 'sim', codec: 'vp8' }), deps);
const iceServers = JSON.parse(process.env['PORTVAKT_WAN_ICE_SERVERS'] ?? '[]') as IceServer[];

/** What both the product and the bare call do. */
interface Media {
  open(peerId: string): Promise<string>;
  answer(peerId: string, sdp: string): Promise<void>;
  candidate(peerId: string, candidate: IceCandidate): Promise<void>;
  close(peerId: string): Promise<void>;
  stats(): Promise<unknown>;
  stop(): Promise<void>;
}

async function productMedia(): Promise<Media> {
  const engine = new MediaEngine({
    source,
    speaker: createSpeaker({ driver: 'sim' }, deps),
    clock,
    logger: silentLogger,
    loopbackOnly: false,
    iceServers,
    sparePeers: Number(process.env['PORTVAKT_WAN_SPARE_PEERS'] ?? 0),
  });
  engine.events.on('peer-state', ({ peerId, state }) => send({ type: 'state', peerId, state }));
  engine.events.on('local-candidate', ({ peerId, candidate }) =>
    send({ type: 'local-candidate', peerId, candidate }),
  );
  await engine.start();
  return {
    open: async (peerId) => (await engine.openPeer(peerId, { video: true })).sdp,
    answer: (peerId, sdp) => engine.acceptAnswer(peerId, sdp),
    candidate: (peerId, c) => engine.addRemoteCandidate(peerId, c),
    close: (peerId) => engine.closePeer(peerId),
    stats: () => engine.stats(),
    stop: () => engine.stop(),
  };
}

async function bareMedia(): Promise<Media> {
  const bare = await BarePeers.start(source, iceServers);
  return {
    open: (peerId) => bare.open(peerId, (state) => send({ type: 'state', peerId, state })),
    answer: (peerId, sdp) => bare.answer(peerId, sdp),
    candidate: (peerId, c) => bare.candidate(peerId, c),
    close: (peerId) => bare.close(peerId),
    stats: async () => ({}),
    stop: () => bare.stop(),
  };
}

type Request =
  | { type: 'open'; peerId: string }
  | { type: 'answer'; peerId: string; sdp: string }
  | { type: 'candidate'; peerId: string; candidate: IceCandidate }
  | { type: 'close'; peerId: string }
  | { type: 'stats' }
  | { type: 'stop' };

const media = process.env['PORTVAKT_WAN_BARE'] === '1' ? await bareMedia() : await productMedia();

process.on('message', (m: Request) => {
  const step = async () => {
    switch (m.type) {
      case 'open':
        send({ type: 'offer', peerId: m.peerId, sdp: await media.open(m.peerId) });
        return;
      case 'answer':
        await media.answer(m.peerId, m.sdp);
        return;
      case 'candidate':
        // A candidate this side cannot use is normal while trickling.
        await media.candidate(m.peerId, m.candidate).catch(() => undefined);
        return;
      case 'close':
        await media.close(m.peerId).catch(() => undefined);
        return;
      case 'stats':
        send({ type: 'stats', stats: await media.stats() });
        return;
      case 'stop':
        await media.stop();
        process.exit(0);
    }
  };
  step().catch((err: unknown) => send({ type: 'error', message: errorMessage(err) }));
});
process.on('disconnect', () => void media.stop().finally(() => process.exit(0)));
send({ type: 'ready' });
