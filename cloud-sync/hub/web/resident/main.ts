/**
 * The resident web app: log in, see and open doors, read the call log, and take calls from the door
 * panels. Browser code only (no framework): it talks to the hub's resident API over HTTP and to the
 * panels over MQTT-over-WebSocket (call signaling, protocol/calls.ts), and shares types with the rest of
 * portvakt only through cloud-sync/protocol/.
 */
import '../../../protocol/browser.ts';
import type { PanelCallMessage } from '../../../protocol/calls.ts';
import type { ResidentLoginReply, ResidentProfile } from '../../../protocol/resident-api.ts';
import { ApiError, ResidentApi } from './api.ts';
import { CallSession } from './call.ts';
import { replace } from './dom.ts';
import { IceServers } from './ice-servers.ts';
import { RingtonePlayer } from './ringtone.ts';
import { CallScreen } from './screens/call-screen.ts';
import { HomeScreen } from './screens/home.ts';
import { inviteCodeFromHash, inviteScreen } from './screens/invite.ts';
import { loginScreen } from './screens/login.ts';
import { SettingsScreen } from './screens/settings.ts';
import { clearSession, loadSession, saveSession } from './session.ts';
import { Signaling } from './signaling.ts';
import { exposeStatus, status } from './status.ts';

/** How long an ended call's reason stays on screen before the app returns home by itself. */
const ENDED_SCREEN_MS = 6000;

class ResidentApp {
  readonly #root: HTMLElement;
  readonly #ringtone = new RingtonePlayer();
  #api: ResidentApi | undefined;
  #signaling: Signaling | undefined;
  #iceServers: IceServers | undefined;
  #home: HomeScreen | undefined;
  #call: CallSession | undefined;
  #callScreen: CallScreen | undefined;
  #backTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  async boot(): Promise<void> {
    // An invite link: the code leaves the address bar (history, screenshots) before anything else.
    const code = inviteCodeFromHash(location.hash);
    if (code !== undefined) {
      history.replaceState(null, '', `${location.pathname}${location.search}`);
      this.#showInvite(code);
      return;
    }
    const session = loadSession();
    if (session) await this.#start(session);
    else this.#showLogin();
  }

  #showLogin(): void {
    status.screen = 'login';
    replace(
      this.#root,
      loginScreen(
        (session) => {
          saveSession(session);
          void this.#start(session);
        },
        () => this.#showInvite(undefined),
      ),
    );
  }

  #showInvite(code: string | undefined): void {
    status.screen = 'invite';
    replace(
      this.#root,
      inviteScreen(code, (session) => {
        saveSession(session);
        void this.#start(session);
      }),
    );
  }

  async #start(session: ResidentLoginReply): Promise<void> {
    const api = new ResidentApi(session.token);
    let profile: ResidentProfile = session;
    try {
      profile = await api.me();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        clearSession();
        this.#showLogin();
        return;
      }
      // Offline for now: go on with what the login said.
    }
    this.#api = api;
    status.residentId = profile.residentId;
    status.appDeviceId = profile.appDeviceId;
    this.#home = new HomeScreen(api, profile, session.mqtt !== null, {
      logout: () => void this.#logout(),
      settings: () => this.#showSettings(),
    });
    if (session.mqtt) {
      const signaling = new Signaling(
        session.mqtt,
        profile.panels.map((p) => p.id),
        {
          message: (panelId, message) => this.#onCallMessage(panelId, message),
          connection: (connected) => {
            status.mqttConnected = connected;
            this.#home?.setConnected(connected);
          },
        },
      );
      this.#signaling = signaling;
      signaling.start();
      // Fetched now and kept fresh, so a ring never waits for them.
      this.#iceServers = new IceServers(api);
      this.#iceServers.start();
    }
    this.#showHome();
  }

  #showHome(): void {
    clearTimeout(this.#backTimer);
    this.#callScreen?.destroy();
    this.#callScreen = undefined;
    if (!this.#home) {
      this.#showLogin();
      return;
    }
    status.screen = 'home';
    replace(this.#root, this.#home.el);
    void this.#home.refresh();
  }

  #showSettings(): void {
    const api = this.#api;
    if (!api) return;
    const settings = new SettingsScreen(api, this.#ringtone, {
      back: () => this.#showHome(),
      // This device was logged out from its own settings: the hub has ended the session already.
      loggedOut: () => void this.#logout(false),
    });
    status.screen = 'settings';
    replace(this.#root, settings.el);
    void settings.refresh();
  }

  #onCallMessage(panelId: string, message: PanelCallMessage): void {
    const current = this.#call;
    if (message.type === 'ring') {
      if (current && !current.ended) {
        if (current.ring.callId === message.callId) return;
        // One call at a time: a second door ringing meanwhile gets a decline (it rings others on).
        this.#signaling?.send(panelId, { protocol: 1, type: 'decline', callId: message.callId });
        return;
      }
      this.#ring(panelId, message);
      return;
    }
    if (!current || current.ring.callId !== message.callId || current.panelId !== panelId) {
      status.messagesIgnored++;
      console.warn(`portvakt: ignoring "${message.type}" for a call that is not ours (${message.callId})`);
      return;
    }
    current.handle(message);
  }

  #ring(panelId: string, ring: Extract<PanelCallMessage, { type: 'ring' }>): void {
    clearTimeout(this.#backTimer);
    this.#callScreen?.destroy();
    const signaling = this.#signaling;
    let screen: CallScreen | undefined;
    const call = new CallSession(
      panelId,
      ring,
      (m) => signaling?.send(panelId, m),
      {
        changed: () => {
          screen?.update();
          if (call.ended) this.#callEnded(call);
        },
        remoteStream: (stream) => screen?.remoteStream(stream),
        notice: (text) => screen?.notice(text),
      },
      this.#iceServers?.current() ?? [],
    );
    screen = new CallScreen(call, this.#ringtone, () => this.#showHome());
    this.#call = call;
    this.#callScreen = screen;
    status.screen = 'call';
    replace(this.#root, screen.el);
    // Shown means painted: the next animation frame comes after the browser drew the screen.
    requestAnimationFrame(() => call.markShown());
  }

  #callEnded(call: CallSession): void {
    clearTimeout(this.#backTimer);
    this.#backTimer = setTimeout(() => {
      if (this.#call === call) this.#showHome();
    }, ENDED_SCREEN_MS);
  }

  async #logout(tellHub = true): Promise<void> {
    this.#call?.hangUp();
    this.#signaling?.stop();
    this.#signaling = undefined;
    this.#iceServers?.stop();
    this.#iceServers = undefined;
    if (tellHub) await this.#api?.logout().catch(() => {});
    clearSession();
    this.#api = undefined;
    this.#home = undefined;
    status.residentId = null;
    status.appDeviceId = null;
    status.mqttConnected = false;
    this.#showLogin();
  }
}

exposeStatus();
const root = document.getElementById('app');
if (root) void new ResidentApp(root).boot();
