/**
 * What the panel does with each message an app device sends during a call. The broker proved which app
 * device sent it (the topic); here the directory says whose device it is, and the call says whether that
 * device was rung. Anything else is refused with a reason, recorded (collapsed per source and window:
 * refusal-collapser.ts), and changes nothing.
 */
import type { AppCallMessage, PanelCallMessageInput } from '../../cloud-sync/protocol/calls.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CallRouter } from './call-router.ts';
import type { LiveCall, Peer } from './live-call.ts';
import type { CallDoorOpener, IntercomDirectory, IntercomMedia } from './ports.ts';
import type { Refusal } from './refusal-collapser.ts';
import type { CallAudit } from './types.ts';

export interface AppMessageContext {
  live: LiveCall | undefined;
  router: CallRouter;
  directory: IntercomDirectory;
  media: IntercomMedia;
  doors: CallDoorOpener;
  clock: Clock;
  logger: Logger;
  send(appDeviceId: string, message: PanelCallMessageInput): void;
  record: CallAudit;
  /** Records (or counts) a refusal and answers it with `refused` when the reply budget allows. */
  refuse(appDeviceId: string, refusal: Refusal): void;
  closePeer(peer: Peer): void;
  /** The call's door opened for the resident who answered. */
  doorOpened(live: LiveCall): void;
  changed(): void;
}

export function handleAppMessage(ctx: AppMessageContext, appDeviceId: string, message: AppCallMessage): void {
  const { live } = ctx;
  const { callId } = message;
  const refuse = (reason: string) => ctx.refuse(appDeviceId, { callId, type: message.type, reason });
  if (!live || live.callId !== callId) {
    refuse('no such call in progress on this panel');
    return;
  }
  const residentId = ctx.directory.appDeviceOwner(appDeviceId);
  const peer = live.peers.get(appDeviceId);
  if (!residentId || !peer || peer.residentId !== residentId) {
    refuse('this app device was not rung for this call');
    return;
  }
  const mediaStep = (step: Promise<void>) =>
    step.catch((err: unknown) => refuse(`media: ${errorMessage(err).slice(0, 200)}`));
  const answered = live.answeredBy?.appDeviceId === appDeviceId;

  switch (message.type) {
    case 'answer':
      void mediaStep(ctx.media.acceptAnswer(peer.peerId, message.sdp));
      return;
    case 'candidate':
      // Trickle ICE: an empty candidate is the device's end-of-candidates, nothing to add. A candidate
      // this panel cannot use (TCP, an mDNS name, a LAN address on a loopback-only panel) is normal
      // while trickling and is not refused: each would cost an audit note and a reply for nothing.
      // The intake limiter already bounds how many a device may send.
      if (message.candidate.candidate === '') return;
      void ctx.media.addRemoteCandidate(peer.peerId, message.candidate).catch((err: unknown) => {
        ctx.logger.debug({ callId, appDeviceId, reason: errorMessage(err) }, 'ICE candidate not used');
      });
      return;
    case 'video':
      void mediaStep(ctx.media.setVideo(peer.peerId, message.enabled));
      return;
    case 'accept': {
      if (live.answeredBy) {
        refuse('the call was already answered');
        return;
      }
      if (!ctx.router.answer(callId, residentId, appDeviceId)) {
        refuse('this resident is not being rung');
        return;
      }
      live.answeredBy = { residentId, appDeviceId };
      // The resident's other devices stop too; the router stopped the other residents.
      for (const other of [...live.peers.values()]) {
        if (other === peer) continue;
        ctx.send(other.appDeviceId, { protocol: 1, type: 'stop', callId, reason: 'answered_elsewhere' });
        ctx.closePeer(other);
      }
      void mediaStep(ctx.media.setVideo(peer.peerId, message.video));
      void mediaStep(ctx.media.setTalker(peer.peerId));
      ctx.send(appDeviceId, { protocol: 1, type: 'connected', callId, sentAt: ctx.clock.now() });
      ctx.changed();
      return;
    }
    case 'decline':
    case 'hangup': {
      if (answered) {
        live.endReason = 'resident_hung_up';
        ctx.router.hangUp(callId);
        return;
      }
      if (live.answeredBy) {
        refuse('the call was answered on another device');
        return;
      }
      if (!ctx.router.decline(callId, residentId)) {
        refuse('this resident is not being rung');
        return;
      }
      ctx.changed();
      return;
    }
    case 'open':
      openDoor(ctx, live, peer, answered, refuse);
      return;
  }
}

function openDoor(
  ctx: AppMessageContext,
  live: LiveCall,
  peer: Peer,
  answered: boolean,
  refuse: (reason: string) => void,
): void {
  const { callId } = live;
  if (!answered) {
    refuse('the door opens only from the device that answered the call');
    return;
  }
  if (!live.doorId) {
    ctx.send(peer.appDeviceId, {
      protocol: 1,
      type: 'door',
      callId,
      doorId: 'none',
      result: 'refused',
      reason: 'this bell has no door',
    });
    return;
  }
  const result = ctx.doors.openForCall(live.doorId, {
    residentId: peer.residentId,
    appDeviceId: peer.appDeviceId,
    callId,
  });
  if (result.ok) ctx.doorOpened(live);
  else ctx.record('call.door_refused', { callId, doorId: live.doorId, reason: result.reason });
  ctx.send(peer.appDeviceId, {
    protocol: 1,
    type: 'door',
    callId,
    doorId: live.doorId,
    result: result.ok ? 'opened' : 'refused',
    ...(result.ok ? {} : { reason: result.reason.slice(0, 200) }),
  });
}
