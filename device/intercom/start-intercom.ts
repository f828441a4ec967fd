/**
 * Starts the media engine (camera, microphone and speaker pipelines, werift in its thread or process) and the
 * intercom on it. A camera that cannot start does not silence the door phone: residents are still rung,
 * can answer and open the door; the calls just carry no media, and every failed offer is recorded.
 */
import { createAvSource, createSpeaker } from '../../hal/camera/drivers.ts';
import { errorMessage } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { IntercomConfig } from '../config/schema.ts';
import { MediaEngine } from '../media/engine.ts';
import { phoneMediaAddress, startPhone } from '../phone/start-phone.ts';
import { callDoorOpener } from './call-door.ts';
import { Intercom } from './intercom.ts';
import type { IntercomDeps } from './intercom-deps.ts';
import type { IntercomMedia, MediaEvents } from './ports.ts';
import type { CallAudit } from './types.ts';

export async function startIntercom(config: IntercomConfig, deps: IntercomDeps) {
  const { clock, logger } = deps;
  const driverDeps = { clock, logger: logger.child({ part: 'media' }) };
  const phoneAddress = config.phone ? await phoneMediaAddress(config.phone, logger) : undefined;
  const engine = new MediaEngine({
    ...(phoneAddress ? { phoneBindAddress: phoneAddress } : {}),
    source: createAvSource(config.media.camera, driverDeps),
    speaker: createSpeaker(config.media.speaker, driverDeps),
    clock,
    logger: logger.child({ part: 'media' }),
    loopbackOnly: config.loopbackOnly,
    iceServers: config.iceServers,
    isolation: config.mediaIsolation,
  });
  let media: IntercomMedia;
  let mediaUp = false;
  try {
    await engine.start();
    mediaUp = true;
    media = engineMedia(engine);
  } catch (err) {
    logger.error({ err: errorMessage(err) }, 'camera and audio did not start; calls go out without media');
    media = noMedia(errorMessage(err));
  }
  const doors = callDoorOpener(deps.opener);
  const record: CallAudit = (type, data) => {
    try {
      deps.audit.append({ type, data });
    } catch (err) {
      logger.error({ type, err: errorMessage(err) }, 'could not record a call step');
    }
  };
  const phone = await startPhone(config.phone, mediaUp ? engine.phoneMedia : undefined, {
    panelId: deps.panelId,
    panelName: deps.panelName,
    dataDir: deps.dataDir,
    building: () => deps.directory.building(),
    doors,
    audit: record,
    clock,
    logger,
  });
  const intercom = new Intercom({
    panelName: deps.panelName,
    directory: deps.directory,
    media,
    channel: deps.channel,
    doors,
    phone,
    audit: deps.audit,
    clock,
    logger,
    doorName: deps.doorName,
    snapshotWaitMs: config.snapshotWaitMs,
    refusalWindowMs: config.callLimits.refusalWindowS * 1000,
  });
  intercom.start();
  return {
    intercom,
    stats: async () => (mediaUp ? engine.stats() : { unavailable: true }),
    mediaPeers: () => (mediaUp ? engine.peerCount : 0),
    // The installer's self-test (self-test.ts): only while camera and audio run.
    mediaTest: mediaUp
      ? {
          snapshot: () => engine.snapshot(),
          micLevel: () => engine.micLevel(),
          speakerTone: (ms: number) => engine.speakerTone(ms),
        }
      : undefined,
    stop: async () => {
      intercom.stop();
      await phone.stop();
      await engine.stop();
    },
  };
}

function engineMedia(engine: MediaEngine): IntercomMedia {
  const events = new SafeEmitter<MediaEvents>();
  engine.events.on('source-failed', (e) => events.emit('source-failed', e));
  engine.events.on('local-candidate', (e) => events.emit('local-candidate', e));
  return {
    events,
    openPeer: (peerId, options) => engine.openPeer(peerId, options),
    acceptAnswer: (peerId, sdp) => engine.acceptAnswer(peerId, sdp),
    addRemoteCandidate: (peerId, candidate) => engine.addRemoteCandidate(peerId, candidate),
    setVideo: (peerId, enabled) => engine.setVideo(peerId, enabled),
    setTalker: (peerId) => engine.setTalker(peerId),
    closePeer: (peerId) => engine.closePeer(peerId),
    snapshot: () => engine.snapshot(),
  };
}

function noMedia(reason: string): IntercomMedia {
  const fail = () => Promise.reject(new Error(`no media: ${reason}`));
  return {
    events: new SafeEmitter<MediaEvents>(),
    openPeer: fail,
    acceptAnswer: fail,
    addRemoteCandidate: fail,
    setVideo: fail,
    setTalker: async () => {},
    closePeer: async () => {},
    snapshot: async () => undefined,
  };
}
