/**
 * The app's observable state for browser tests and diagnostics, as `window.portvaktApp`: every read
 * returns a fresh deep copy, so tests measure (frames decoded, audio bytes, when the ring showed) without
 * reaching into the app's internals or being able to change them.
 */

export interface CallStatus {
  callId: string;
  panelId: string;
  state: 'ringing' | 'accepting' | 'connected' | 'ended';
  /** Wall-clock ms (performance.timeOrigin + performance.now()) of each step; null until it happens. */
  ringReceivedAt: number;
  ringShownAt: number | null;
  offerReceivedAt: number | null;
  answerSentAt: number | null;
  acceptedAt: number | null;
  connectedAt: number | null;
  firstFrameAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  video: boolean;
  muted: boolean;
  micAttached: boolean;
  /** Frames presented to the video element (requestVideoFrameCallback). */
  framesRendered: number;
  /** From getStats(): inbound video and audio. */
  framesDecoded: number;
  videoBytesReceived: number;
  audioBytesReceived: number;
  audioBytesSent: number;
  iceState: string;
  lastDoor: { doorId: string; result: string; reason: string | null } | null;
}

export interface AppStatus {
  screen: 'login' | 'invite' | 'home' | 'call' | 'settings';
  /** The last ringtone previewed in the settings (tests read it: audio itself cannot be checked). */
  ringtonePreview: string | null;
  residentId: string | null;
  appDeviceId: string | null;
  mqttConnected: boolean;
  messagesReceived: number;
  messagesIgnored: number;
  messagesSent: number;
  /** The current call, or the last one after it ended. */
  call: CallStatus | null;
  callsSeen: number;
}

export const status: AppStatus = {
  screen: 'login',
  ringtonePreview: null,
  residentId: null,
  appDeviceId: null,
  mqttConnected: false,
  messagesReceived: 0,
  messagesIgnored: 0,
  messagesSent: 0,
  call: null,
  callsSeen: 0,
};

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the panel's and the test's. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export function exposeStatus(): void {
  Object.defineProperty(window, 'portvaktApp', {
    get: () => structuredClone(status),
    configurable: false,
    enumerable: true,
  });
}
