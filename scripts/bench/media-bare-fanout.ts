/**
 * The reference for the media bench: werift fan-out written as simply as possible, on the main thread.
 * The same camera pipeline as the product feeds two UDP sockets; each peer gets its own video and audio
 * track, written from the same buffers: video to every peer, audio to the first one connected (the one
 * that answered, as the product's talker). No keyframe gating, PLI handling or validation.
 */
import { createSocket } from 'node:dgram';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { cameraConfigSchema } from '../../hal/camera/config-schema.ts';
import { createAvSource } from '../../hal/camera/drivers.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { serveSender } from './media-sender-ipc.ts';

await serveSender(async () => {
  const source = createAvSource(cameraConfigSchema.parse({ testPattern: 'bars' }), {
    clock: new SystemClock(),
    logger: silentLogger,
  });
  const ports = await source.start();
  const video = createSocket('udp4').bind(ports.video.rtpPort, '127.0.0.1');
  const audio = createSocket('udp4').bind(ports.audio.rtpPort, '127.0.0.1');
  const peers = new Map<
    string,
    { pc: RTCPeerConnection; video: MediaStreamTrack; audio: MediaStreamTrack }
  >();
  video.on('message', (buf: Buffer) => {
    for (const p of peers.values()) p.video.writeRtp(buf);
  });
  let talker: string | undefined;
  audio.on('message', (buf: Buffer) => {
    if (talker !== undefined) peers.get(talker)?.audio.writeRtp(buf);
  });
  return {
    async open(peerId) {
      const pc = new RTCPeerConnection({
        codecs: {
          video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000 })],
          audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
        },
        iceServers: [],
        iceUseIpv6: false,
        iceAdditionalHostAddresses: ['127.0.0.1'],
        bundlePolicy: 'max-bundle', // as the panel's peers; see device/media/peer.ts
      });
      const peer = {
        pc,
        video: new MediaStreamTrack({ kind: 'video' }),
        audio: new MediaStreamTrack({ kind: 'audio' }),
      };
      pc.addTransceiver(peer.video, { direction: 'sendonly' });
      pc.addTransceiver(peer.audio, { direction: 'sendrecv' });
      peers.set(peerId, peer);
      await pc.setLocalDescription(await pc.createOffer());
      if (pc.iceGatheringState !== 'complete')
        await pc.iceGatheringStateChange.watch((s) => s === 'complete');
      return pc.localDescription!.sdp;
    },
    async answer(peerId, sdp) {
      const pc = peers.get(peerId)!.pc;
      await pc.setRemoteDescription({ type: 'answer', sdp });
      if (pc.connectionState !== 'connected')
        await pc.connectionStateChange.watch((s) => s === 'connected', 15_000);
      talker ??= peerId;
    },
    async close(peerId) {
      if (talker === peerId) talker = undefined;
      await peers.get(peerId)?.pc.close();
      peers.delete(peerId);
    },
    async stats() {
      return [...peers].map(([id, p]) => ({ id, state: p.pc.connectionState }));
    },
    async stop() {
      await Promise.all([...peers.values()].map((p) => p.pc.close()));
      video.close();
      audio.close();
      await source.stop();
    },
  };
});
