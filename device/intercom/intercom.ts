/**
 * The panel's intercom: a visitor rings a bell, the router decides who rings, and this class carries
 * that out over call signaling and the media engine. Every app device that rings gets the visitor's
 * picture at once and a WebRTC offer right after (early media: the resident sees the visitor before
 * answering). Messages from app devices are handled in app-messages.ts; one call at a time.
 */

import type { EndReason, PanelCallMessageInput, StopReason } from '../../cloud-sync/protocol/calls.ts';
import type { IceCandidate } from '../../cloud-sync/protocol/ice.ts';
import type { CallState } from '../../cloud-sync/protocol/panel-api.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import { SafeEmitter } from '../../lib/events.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog, AuditPayloads } from '../audit/types.ts';
import { createUuidV7 } from '../store/uuid7.ts';
import { type AppMessageContext, handleAppMessage } from './app-messages.ts';
import type { CallChannel, DropReason } from './call-channel.ts';
import { CallRouter, type RingResult } from './call-router.ts';
import { type LiveCall, type Peer, peerIdOf } from './live-call.ts';
import { PhoneLegs } from './phone-legs.ts';
import type { CallDoorOpener, IntercomDirectory, IntercomMedia, IntercomPhone } from './ports.ts';
import { type Refusal, RefusalCollapser } from './refusal-collapser.ts';
import type { CallEventType, CallOutcome } from './types.ts';

export interface IntercomOptions {
  panelName: string;
  directory: IntercomDirectory;
  media: IntercomMedia;
  channel: CallChannel;
  doors: CallDoorOpener;
  phone: IntercomPhone;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** A door's shown name on this panel (the screen says which door a call opened). */
  doorName?: ((doorId: string) => string | undefined) | undefined;
  /** How long a ring waits for the visitor picture before going out without it. */
  snapshotWaitMs?: number;
  /** Refused and rate-limited messages of one app device are audited as one row per window. */
  refusalWindowMs?: number;
}

export type IntercomEvents = {
  state: CallState;
};

export class Intercom {
  readonly events: SafeEmitter<IntercomEvents>;
  readonly #o: IntercomOptions;
  readonly #router: CallRouter;
  readonly #refusals: RefusalCollapser;
  #live: LiveCall | undefined;
  /** The bell being rung while the router picks the call id (it rings synchronously inside ring()). */
  #pending: { bellId: string; bellText: string; doorId: string | null; ringTimeoutS: number } | undefined;
  #unlisten: (() => void)[] = [];
  /** How the last call ended, for the screen, until the next call starts. */
  #last: { callId: string; outcome: CallOutcome } | undefined;
  /** The door the last call opened, for the screen, until the next call starts. */
  #lastDoorOpened: { id: string; name: string } | undefined;
  readonly #newCallId: () => string;

  constructor(options: IntercomOptions) {
    this.#o = options;
    this.#newCallId = createUuidV7(() => options.clock.now());
    this.events = new SafeEmitter((event, err) =>
      options.logger.error({ event, err: errorMessage(err) }, 'intercom listener failed'),
    );
    this.#refusals = new RefusalCollapser({
      clock: options.clock,
      windowMs: options.refusalWindowMs ?? 60_000,
      record: (type, data) => this.#record(type, data),
      logger: options.logger,
    });
    const phoneLegs = new PhoneLegs({
      phone: options.phone,
      router: () => this.#router,
      live: () => this.#live,
      closeAllPeers: (live) => {
        for (const peer of [...live.peers.values()]) this.#closePeer(peer);
      },
      doorOpened: (live) => this.#doorOpened(live),
      changed: () => this.#emitState(),
    });
    this.#router = new CallRouter({
      clock: options.clock,
      audit: (type, data) => this.#record(type, data),
      newCallId: () => this.#startCall(),
      ringer: {
        ring: (callId, residentId, devices) => this.#ring(callId, residentId, devices),
        stopRinging: (callId, residentId, reason) => this.#stopRinging(callId, residentId, reason),
      },
      phone: phoneLegs,
      onEnded: (callId, outcome) => this.#ended(callId, outcome),
    });
  }

  start(): void {
    const { channel, media } = this.#o;
    this.#unlisten = [
      channel.events.on('message', ({ appDeviceId, message }) =>
        handleAppMessage(this.#handlerContext(), appDeviceId, message),
      ),
      channel.events.on('invalid', ({ appDeviceId, callId, reason }) =>
        this.#refuse(appDeviceId, { callId, reason }),
      ),
      channel.events.on('dropped', ({ appDeviceId, reason }) => this.#dropped(appDeviceId, reason)),
      media.events.on('source-failed', ({ reason }) => this.#mediaFailed(reason)),
      media.events.on('local-candidate', ({ peerId, candidate }) => this.#localCandidate(peerId, candidate)),
    ];
  }

  stop(): void {
    const live = this.#live;
    if (live) {
      live.endReason = 'panel_stopped';
      this.#router.cancel(live.callId);
    }
    for (const off of this.#unlisten) off();
    this.#unlisten = [];
    this.#refusals.flush();
  }

  state(): CallState {
    const live = this.#live;
    if (!live)
      return {
        phase: 'idle',
        ...(this.#last ? { last: this.#last } : {}),
        ...(this.#lastDoorOpened ? { lastDoorOpened: this.#lastDoorOpened } : {}),
      };
    const connected = live.answeredBy !== undefined || live.phone?.state === 'connected';
    return {
      phase: connected ? 'connected' : 'ringing',
      callId: live.callId,
      bellId: live.bellId,
      bellText: live.bellText,
      since: live.startedAt,
      ...(live.phone ? { phone: live.phone.state } : {}),
      ...(live.doorOpened ? { doorOpened: live.doorOpened } : {}),
    };
  }

  /** A visitor pressed a bell. Throws NotFoundError for an unknown bell. */
  ring(bellId: string): RingResult {
    const ring = this.#o.directory.bellRing(bellId, this.#o.clock.now());
    this.#pending = {
      bellId,
      bellText: ring.bellText,
      doorId: ring.doorId,
      ringTimeoutS: ring.target.ringTimeoutS,
    };
    try {
      return this.#router.ring(ring.target);
    } finally {
      this.#pending = undefined;
      this.#emitState();
    }
  }

  /** The visitor cancelled, or hung up an answered call. False when that call is not in progress. */
  hangUp(callId: string): boolean {
    const live = this.#live;
    if (!live || live.callId !== callId) return false;
    live.endReason = 'visitor_hung_up';
    return this.#router.cancel(callId);
  }

  /** Sends one signaling message; failures are logged (the device then times out or retries). */
  send(appDeviceId: string, message: PanelCallMessageInput, expiryS?: number): void {
    this.#o.channel.send(appDeviceId, message, expiryS).catch((err: unknown) => {
      this.#o.logger.warn(
        { appDeviceId, type: message.type, err: errorMessage(err) },
        'call message not sent',
      );
    });
  }

  #handlerContext(): AppMessageContext {
    return {
      live: this.#live,
      router: this.#router,
      directory: this.#o.directory,
      media: this.#o.media,
      doors: this.#o.doors,
      clock: this.#o.clock,
      logger: this.#o.logger,
      send: (appDeviceId: string, message: PanelCallMessageInput) => this.send(appDeviceId, message),
      record: (type, data) => this.#record(type, data),
      refuse: (appDeviceId, refusal) => this.#refuse(appDeviceId, refusal),
      closePeer: (peer: Peer) => this.#closePeer(peer),
      doorOpened: (live) => this.#doorOpened(live),
      changed: () => this.#emitState(),
    };
  }

  /** Audited once per source and window; answered only when it names a call and the reply budget allows. */
  #refuse(appDeviceId: string, refusal: Refusal): void {
    const reply = this.#refusals.refused(appDeviceId, refusal);
    const { callId, reason } = refusal;
    if (reply && callId)
      this.send(appDeviceId, { protocol: 1, type: 'refused', callId, reason: reason.slice(0, 200) });
  }

  #startCall(): string {
    const pending = this.#pending;
    if (!pending) throw new Error('a call id was asked for outside ring()');
    const callId = this.#newCallId();
    this.#last = undefined;
    this.#lastDoorOpened = undefined;
    const now = this.#o.clock.now();
    const snapshot = this.#takeSnapshot(callId);
    this.#live = {
      callId,
      ...pending,
      startedAt: now,
      ringUntil: now + pending.ringTimeoutS * 1000,
      peers: new Map(),
      snapshot,
    };
    return callId;
  }

  #ring(callId: string, residentId: string, devices: readonly string[]): void {
    const live = this.#live;
    if (!live || live.callId !== callId) return;
    for (const appDeviceId of devices) {
      const peer: Peer = { appDeviceId, residentId, peerId: peerIdOf(callId, appDeviceId) };
      live.peers.set(appDeviceId, peer);
    }
    // Listening before the rings go out: the subscription precedes them on the broker connection.
    this.#listen();
    for (const appDeviceId of devices) {
      const peer = live.peers.get(appDeviceId);
      if (peer) void this.#ringDevice(live, peer);
    }
  }

  async #ringDevice(live: LiveCall, peer: Peer): Promise<void> {
    // The panel's peer (usually a spare, ready at once) is made while the snapshot is taken: when the
    // offer is ready by then it rides in the ring, so the app answers before it has drawn the ring.
    let offerSdp: string | undefined;
    const offer = this.#o.media.openPeer(peer.peerId, { video: true });
    offer.then(({ sdp }) => (offerSdp = sdp)).catch(() => undefined);
    const snapshot = await live.snapshot;
    if (live.peers.get(peer.appDeviceId) !== peer) {
      await offer.then(() => this.#o.media.closePeer(peer.peerId)).catch(() => undefined);
      return;
    }
    const ringOffer = offerSdp;
    this.send(
      peer.appDeviceId,
      {
        protocol: 1,
        type: 'ring',
        callId: live.callId,
        sentAt: this.#o.clock.now(),
        bellId: live.bellId,
        bellText: live.bellText,
        panelName: this.#o.panelName,
        residentId: peer.residentId,
        ringtone: this.#o.directory.ringtoneOf(peer.residentId),
        ringUntil: live.ringUntil,
        snapshot,
        ...(ringOffer ? { offer: ringOffer } : {}),
      },
      live.ringTimeoutS,
    );
    if (ringOffer) this.#offerSent(live, peer);
    try {
      const { sdp } = await offer;
      if (live.peers.get(peer.appDeviceId) !== peer) {
        await this.#o.media.closePeer(peer.peerId);
        return;
      }
      if (!ringOffer) {
        this.send(peer.appDeviceId, { protocol: 1, type: 'offer', callId: live.callId, sdp });
        this.#offerSent(live, peer);
      }
    } catch (err) {
      this.#record('call.media_error', {
        callId: live.callId,
        appDeviceId: peer.appDeviceId,
        reason: errorMessage(err).slice(0, 200),
      });
    }
  }

  /**
   * Trickle ICE from the panel: a candidate gathered after the offer was made goes to the device the
   * peer is for, as a `candidate` message (an empty one ends them), once the offer itself is out.
   */
  #localCandidate(peerId: string, candidate: IceCandidate | null): void {
    const live = this.#live;
    if (!live) return;
    const peer = [...live.peers.values()].find((p) => p.peerId === peerId);
    if (!peer) return;
    const init = candidate ?? { candidate: '', sdpMid: null, sdpMLineIndex: null };
    if (!peer.offerSent) {
      peer.pendingCandidates = [...(peer.pendingCandidates ?? []), init];
      return;
    }
    this.send(peer.appDeviceId, { protocol: 1, type: 'candidate', callId: live.callId, candidate: init });
  }

  #offerSent(live: LiveCall, peer: Peer): void {
    peer.offerSent = true;
    for (const candidate of peer.pendingCandidates?.splice(0) ?? [])
      this.send(peer.appDeviceId, { protocol: 1, type: 'candidate', callId: live.callId, candidate });
  }

  #stopRinging(callId: string, residentId: string, reason: StopReason): void {
    const live = this.#live;
    if (!live || live.callId !== callId) return;
    for (const peer of [...live.peers.values()]) {
      if (peer.residentId !== residentId) continue;
      this.send(peer.appDeviceId, { protocol: 1, type: 'stop', callId, reason });
      this.#closePeer(peer);
    }
  }

  #closePeer(peer: Peer): void {
    this.#live?.peers.delete(peer.appDeviceId);
    this.#listen();
    this.#o.media.closePeer(peer.peerId).catch(() => {});
  }

  /** The panel takes call messages from the devices in its call, and from nobody else. */
  #listen(): void {
    this.#o.channel.listenTo(this.#live?.peers.keys() ?? []);
  }

  /**
   * A message turned away by the rate limits. From a device in the call, that is traffic no app sends
   * (the limits sit far above a real call): the device is cut from the call — no longer listened to, no
   * longer rung, its peer closed; the call ends if it was the one talking. Others ring on.
   */
  #dropped(appDeviceId: string, reason: DropReason): void {
    this.#refusals.dropped(appDeviceId, reason);
    const live = this.#live;
    const peer = live?.peers.get(appDeviceId);
    if (!live || !peer || reason !== 'device_rate_limited') return;
    this.#record('call.device_cut', { callId: live.callId, appDeviceId, reason });
    this.#closePeer(peer);
    if (live.answeredBy?.appDeviceId === appDeviceId) {
      live.endReason = 'resident_hung_up';
      this.#router.hangUp(live.callId);
    }
    this.#emitState();
  }

  #ended(callId: string, outcome: CallOutcome): void {
    const live = this.#live;
    if (!live || live.callId !== callId) return;
    this.#live = undefined;
    this.#last = { callId, outcome };
    this.#lastDoorOpened = live.doorOpened;
    const reason: EndReason = live.endReason ?? endReasonOf(outcome);
    for (const peer of live.peers.values()) {
      this.send(peer.appDeviceId, { protocol: 1, type: 'ended', callId, reason });
      this.#o.media.closePeer(peer.peerId).catch(() => {});
    }
    live.peers.clear();
    this.#listen();
    this.#o.media.setTalker(undefined).catch(() => {});
    this.#emitState();
  }

  /** The answering resident opened the call's door: the screen says which door, until the next call. */
  #doorOpened(live: LiveCall): void {
    if (this.#live !== live || !live.doorId) return;
    const id = live.doorId;
    live.doorOpened = { id, name: this.#o.doorName?.(id) ?? id };
    this.#emitState();
  }

  #mediaFailed(reason: string): void {
    const live = this.#live;
    this.#o.logger.error({ reason }, 'camera or microphone failed');
    if (!live) return;
    this.#record('call.media_error', { callId: live.callId, reason: reason.slice(0, 200) });
    live.endReason = 'media_failed';
    this.#router.cancel(live.callId);
  }

  /** The visitor picture, once per call: recorded for the call log and sent with every ring. */
  async #takeSnapshot(callId: string): Promise<string | null> {
    const wait = this.#o.snapshotWaitMs ?? 40;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const jpeg = await Promise.race([
      this.#o.media.snapshot().catch(() => undefined),
      new Promise<undefined>((resolve) => {
        timer = this.#o.clock.setTimeout(() => resolve(undefined), wait);
      }),
    ]);
    this.#o.clock.clearTimeout(timer);
    if (!jpeg || jpeg.length === 0 || jpeg.length > 48_000) return null;
    const uri = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    this.#record('call.snapshot', { callId, snapshot: uri });
    return uri;
  }

  #record<T extends CallEventType>(type: T, data: AuditPayloads[T]): void {
    try {
      this.#o.audit.append({ type, data });
    } catch (err) {
      this.#o.logger.error({ type, err: errorMessage(err) }, 'could not record a call step');
    }
  }

  #emitState(): void {
    this.events.emit('state', this.state());
  }
}

function endReasonOf(outcome: CallOutcome): EndReason {
  if (outcome === 'answered') return 'visitor_hung_up';
  if (outcome === 'cancelled') return 'visitor_hung_up';
  return 'timeout';
}
