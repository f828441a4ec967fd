/**
 * The incoming-call and in-call screen. While it rings: who rang, the ringtone's name, the visitor's
 * live video (muted) over their snapshot, Accept / Accept audio only / Decline. In the call: Hang up,
 * Mute, Video off/on, Open door. When it ends (here or elsewhere) the reason stays on screen.
 */
import type { CallSession } from '../call.ts';
import { h, replace } from '../dom.ts';
import { RINGTONE_NAMES, type RingtonePlayer } from '../ringtone.ts';

export class CallScreen {
  readonly el: HTMLElement;
  readonly #call: CallSession;
  readonly #ringtone: RingtonePlayer;
  readonly #video: HTMLVideoElement;
  readonly #state = h('p', {
    class: 'call-state',
    testid: 'call-state',
    role: 'status',
    'aria-live': 'polite',
  });
  readonly #notice = h('p', {
    class: 'notice',
    testid: 'call-notice',
    role: 'status',
    'aria-live': 'polite',
  });
  readonly #controls = h('div', { class: 'controls', testid: 'call-controls' });
  readonly #onClose: () => void;
  #focused = false;

  constructor(call: CallSession, ringtone: RingtonePlayer, onClose: () => void) {
    this.#call = call;
    this.#ringtone = ringtone;
    this.#onClose = onClose;
    const ring = call.ring;
    this.#video = h('video', {
      testid: 'remote-video',
      autoplay: true,
      playsinline: true,
      muted: true,
      ...(ring.snapshot ? { poster: ring.snapshot } : {}),
      'aria-label': 'Live video of the visitor',
    });
    // The attribute only sets the default: the property is what keeps early media silent.
    this.#video.muted = true;
    call.watch(this.#video);
    this.el = h(
      'main',
      { class: 'screen call', role: 'alertdialog', 'aria-labelledby': 'call-title', testid: 'incoming-call' },
      h('h1', { id: 'call-title', testid: 'call-title' }, ring.bellText),
      h('p', { class: 'sub' }, ring.panelName),
      h('p', { class: 'sub', testid: 'ringtone-name' }, `Ringtone: ${RINGTONE_NAMES[ring.ringtone]}`),
      h('div', { class: 'media' }, this.#video),
      this.#state,
      this.#controls,
      this.#notice,
    );
    ringtone.play(ring.ringtone);
    this.update();
  }

  remoteStream(stream: MediaStream): void {
    if (this.#video.srcObject !== stream) this.#video.srcObject = stream;
    void this.#video.play().catch(() => {});
  }

  notice(text: string): void {
    this.#notice.textContent = text;
  }

  update(): void {
    const s = this.#call.status;
    if (s.state !== 'ringing') this.#ringtone.stop();
    // The visitor is heard only once the resident took the call.
    this.#video.muted = s.state === 'ringing' || s.state === 'ended';
    this.#video.hidden = !s.video || s.state === 'ended';
    this.#state.textContent = {
      ringing: 'Ringing…',
      accepting: 'Connecting…',
      connected: 'Connected',
      ended: 'Call ended',
    }[s.state];
    const button = (
      testid: string,
      label: string,
      onclick: () => void,
      extra: Record<string, string | boolean> = {},
    ) => h('button', { type: 'button', testid, onclick, ...extra }, label);
    const call = this.#call;
    if (s.state === 'ringing') {
      const accept = button('accept-video', 'Accept', () => void call.accept(true), { class: 'primary' });
      replace(
        this.#controls,
        accept,
        button('accept-audio', 'Accept audio only', () => void call.accept(false)),
        button('decline', 'Decline', () => call.decline(), { class: 'danger' }),
      );
      if (!this.#focused) accept.focus();
      this.#focused = true;
    } else if (s.state === 'ended') {
      replace(
        this.#controls,
        h(
          'p',
          { class: 'ended-reason', testid: 'call-ended-reason', role: 'alert' },
          s.endReason ?? 'Call ended',
        ),
        button('call-back', 'Back', this.#onClose, { class: 'primary' }),
      );
    } else {
      replace(
        this.#controls,
        button('hangup', 'Hang up', () => call.hangUp(), { class: 'danger' }),
        button('mute', s.muted ? 'Unmute' : 'Mute', () => call.setMuted(!s.muted), {
          'aria-pressed': String(s.muted),
        }),
        button('video-toggle', s.video ? 'Video off' : 'Video on', () => call.setVideo(!s.video), {
          'aria-pressed': String(!s.video),
        }),
        button('open-door', 'Open door', () => call.openDoor(), { class: 'primary' }),
      );
    }
  }

  destroy(): void {
    this.#ringtone.stop();
    this.#video.srcObject = null;
  }
}
