/**
 * One call from a panel, on this device. Early media: the panel sends `offer` right after `ring`, and the
 * app answers at once, so the visitor's video shows while it rings. The answer goes out as soon as it is
 * made and this device's ICE candidates follow it one by one (trickle ICE), ending with an empty one
 * (end-of-candidates): waiting for gathering cost ~120 ms on a machine with a real interface. The answer already negotiates audio
 * both ways (sendrecv), but no microphone track is attached until the resident accepts — until then the
 * visitor hears nothing (and the panel's audio is muted here). Accepting attaches the microphone with
 * replaceTrack, without renegotiating.
 */
import type { AppCallMessageInput, PanelCallMessage } from '../../../protocol/calls.ts';
import type { IceCandidate } from '../../../protocol/ice.ts';
import { pollStats, watchVideo } from './media-stats.ts';
import { type CallStatus, status, wallNow } from './status.ts';

export type RingMessage = Extract<PanelCallMessage, { type: 'ring' }>;
type StopMessage = Extract<PanelCallMessage, { type: 'stop' }>;
type EndedMessage = Extract<PanelCallMessage, { type: 'ended' }>;

export const STOP_TEXT: Record<StopMessage['reason'], string> = {
  answered_elsewhere: 'Answered on another device',
  next_resident: 'The call moved on to the next resident',
  timeout: 'Nobody answered',
  cancelled: 'The visitor cancelled the call',
  declined: 'Declined',
};

export const END_TEXT: Record<EndedMessage['reason'], string> = {
  resident_hung_up: 'Call ended',
  visitor_hung_up: 'The visitor hung up',
  answered_elsewhere: 'Answered on another device',
  timeout: 'Nobody answered',
  media_failed: 'The door panel lost its camera or microphone',
  panel_stopped: 'The door panel stopped',
};

export interface CallView {
  /** The call's state or one of its flags changed: redraw. */
  changed(): void;
  /** The panel's audio and video; muted until the resident accepts. */
  remoteStream(stream: MediaStream): void;
  /** A short message for the resident (door result, a refusal). */
  notice(text: string): void;
}

/** Longest a ring may last here if the panel's `stop` never arrives. */
const MAX_RING_MS = 5 * 60_000;

export class CallSession {
  readonly ring: RingMessage;
  readonly panelId: string;
  readonly status: CallStatus;
  readonly #send: (message: AppCallMessageInput) => void;
  readonly #view: CallView;
  readonly #pc: RTCPeerConnection;
  readonly #remote = new MediaStream();
  #audio: RTCRtpTransceiver | undefined;
  #mic: MediaStreamTrack | undefined;
  #offered = false;
  /** Our candidates wait until the answer is sent: the panel cannot use one before the answer. */
  #answerSent = false;
  #ownCandidates: IceCandidate[] = [];
  /** Candidates that came before the offer, added once it is set. */
  #early: IceCandidate[] = [];
  /** Signaling steps run one after another: a candidate must not overtake the offer it belongs to. */
  #steps: Promise<void> = Promise.resolve();
  #stopStats: () => void;
  #ringTimer: ReturnType<typeof setTimeout>;

  constructor(
    panelId: string,
    ring: RingMessage,
    send: (m: AppCallMessageInput) => void,
    view: CallView,
    iceServers: RTCIceServer[] = [],
  ) {
    this.panelId = panelId;
    this.ring = ring;
    this.#send = send;
    this.#view = view;
    this.status = {
      callId: ring.callId,
      panelId,
      state: 'ringing',
      ringReceivedAt: wallNow(),
      ringShownAt: null,
      offerReceivedAt: null,
      answerSentAt: null,
      acceptedAt: null,
      connectedAt: null,
      firstFrameAt: null,
      endedAt: null,
      endReason: null,
      video: true,
      muted: false,
      micAttached: false,
      framesRendered: 0,
      framesDecoded: 0,
      videoBytesReceived: 0,
      audioBytesReceived: 0,
      audioBytesSent: 0,
      iceState: 'new',
      lastDoor: null,
    };
    status.call = this.status;
    status.callsSeen++;
    // STUN and short-lived TURN credentials from the hub (ice-servers.ts): the relay is what carries
    // the call when this device and the panel are behind NATs that cannot reach each other.
    this.#pc = new RTCPeerConnection({ iceServers });
    this.#pc.onicecandidate = (event) => this.#ownCandidate(event.candidate);
    this.#pc.ontrack = (event) => {
      this.#remote.addTrack(event.track);
      this.#view.remoteStream(this.#remote);
    };
    this.#pc.oniceconnectionstatechange = () => {
      this.status.iceState = this.#pc.iceConnectionState;
      this.#view.changed();
    };
    this.#stopStats = pollStats(this.#pc, this.status);
    const ringMs = Math.min(MAX_RING_MS, Math.max(0, ring.ringUntil - ring.sentAt) + 2000);
    this.#ringTimer = setTimeout(() => {
      if (this.status.state === 'ringing') this.end(STOP_TEXT.timeout);
    }, ringMs);
    // The offer rides in the ring when the panel had it ready. Answering starts here, before the ring
    // screen is built, so the browser's WebRTC threads work on it while this thread draws the ring.
    if (ring.offer !== undefined) {
      this.status.offerReceivedAt = wallNow();
      this.#steps = this.#answer(ring.offer).catch((err: unknown) => this.#stepFailed(err));
    }
  }

  get ended(): boolean {
    return this.status.state === 'ended';
  }

  /** Frames shown: counted on the element the view plays the stream in. */
  watch(video: HTMLVideoElement): void {
    watchVideo(video, this.status, () => !this.ended);
  }

  handle(message: PanelCallMessage): void {
    if (this.ended) return;
    switch (message.type) {
      case 'ring':
        return; // a repeat of the ring that started this call
      case 'offer':
        this.status.offerReceivedAt = wallNow();
        this.#step(() => this.#answer(message.sdp));
        return;
      case 'candidate':
        this.#step(async () => {
          if (this.#offered) await this.#pc.addIceCandidate(message.candidate);
          else this.#early.push(message.candidate);
        });
        return;
      case 'connected':
        this.status.state = 'connected';
        this.status.connectedAt = wallNow();
        this.#view.changed();
        return;
      case 'stop':
        this.end(STOP_TEXT[message.reason]);
        return;
      case 'ended':
        this.end(END_TEXT[message.reason]);
        return;
      case 'door':
        this.status.lastDoor = {
          doorId: message.doorId,
          result: message.result,
          reason: message.reason ?? null,
        };
        this.#view.notice(
          message.result === 'opened' ? 'Door opened' : `Door not opened: ${message.reason ?? ''}`,
        );
        this.#view.changed();
        return;
      case 'refused':
        if (this.status.state === 'accepting') this.end(`The panel refused: ${message.reason}`);
        else this.#view.notice(`The panel refused: ${message.reason}`);
        return;
    }
  }

  /** Take the call, with the visitor's video or audio only. */
  async accept(video: boolean): Promise<void> {
    if (this.status.state !== 'ringing') return;
    this.status.state = 'accepting';
    this.status.acceptedAt = wallNow();
    this.status.video = video;
    clearTimeout(this.#ringTimer);
    this.#send(this.#message({ type: 'accept', video }));
    this.#view.changed();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      const [track] = stream.getAudioTracks();
      if (!track || this.ended) {
        for (const t of stream.getTracks()) t.stop();
        return;
      }
      track.enabled = !this.status.muted;
      this.#mic = track;
      this.#step(() => this.#attachMic());
    } catch (err) {
      console.warn('portvakt: no microphone', err);
      this.#view.notice('No microphone: the visitor cannot hear you');
    }
  }

  decline(): void {
    if (this.status.state !== 'ringing') return;
    this.#send(this.#message({ type: 'decline' }));
    this.end('You declined the call');
  }

  hangUp(): void {
    if (this.ended) return;
    this.#send(this.#message({ type: 'hangup' }));
    this.end('You hung up');
  }

  setMuted(muted: boolean): void {
    this.status.muted = muted;
    if (this.#mic) this.#mic.enabled = !muted;
    this.#view.changed();
  }

  /** Asks the panel to stop (or resume) sending video; audio goes on. */
  setVideo(enabled: boolean): void {
    if (this.ended) return;
    this.status.video = enabled;
    this.#send(this.#message({ type: 'video', enabled }));
    this.#view.changed();
  }

  openDoor(): void {
    if (this.status.state !== 'connected' && this.status.state !== 'accepting') return;
    this.#send(this.#message({ type: 'open' }));
    this.#view.notice('Opening the door…');
  }

  markShown(): void {
    this.status.ringShownAt ??= wallNow();
  }

  /** Local end: media stops, nothing is sent (the caller sends what the protocol needs). */
  end(reason: string): void {
    if (this.ended) return;
    this.status.state = 'ended';
    this.status.endReason = reason;
    this.status.endedAt = wallNow();
    clearTimeout(this.#ringTimer);
    this.#stopStats();
    this.#mic?.stop();
    this.#pc.close();
    this.#view.changed();
  }

  async #answer(sdp: string): Promise<void> {
    if (this.#offered) return console.warn('portvakt: ignoring a second offer (no renegotiation)');
    await this.#pc.setRemoteDescription({ type: 'offer', sdp });
    for (const t of this.#pc.getTransceivers()) {
      if (t.receiver.track.kind === 'audio') {
        t.direction = 'sendrecv';
        this.#audio = t;
      } else {
        t.direction = 'recvonly';
      }
    }
    this.#offered = true;
    for (const c of this.#early.splice(0)) await this.#pc.addIceCandidate(c);
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    if (this.ended) return;
    this.#send(this.#message({ type: 'answer', sdp: this.#pc.localDescription?.sdp ?? '' }));
    this.status.answerSentAt = wallNow();
    this.#answerSent = true;
    for (const c of this.#ownCandidates.splice(0)) this.#sendCandidate(c);
    await this.#attachMic();
  }

  /** One of our candidates, or null when gathering is done (sent as an empty candidate). */
  #ownCandidate(candidate: RTCIceCandidate | null): void {
    if (this.ended) return;
    const init: IceCandidate = candidate
      ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      : { candidate: '', sdpMid: null, sdpMLineIndex: null };
    if (this.#answerSent) this.#sendCandidate(init);
    else this.#ownCandidates.push(init);
  }

  #sendCandidate(candidate: IceCandidate): void {
    this.#send(this.#message({ type: 'candidate', candidate }));
  }

  async #attachMic(): Promise<void> {
    if (!this.#mic || !this.#audio || this.ended || this.status.micAttached) return;
    await this.#audio.sender.replaceTrack(this.#mic);
    this.status.micAttached = true;
    this.#view.changed();
  }

  #step(fn: () => Promise<void>): void {
    this.#steps = this.#steps.then(fn).catch((err: unknown) => this.#stepFailed(err));
  }

  #stepFailed(err: unknown): void {
    console.warn('portvakt: call signaling step failed', err);
    if (!this.#offered && !this.ended) this.end('The video connection could not be set up');
  }

  #message<T extends { type: string }>(body: T): T & { protocol: 1; callId: string } {
    return { protocol: 1, callId: this.ring.callId, ...body };
  }
}
