/**
 * One door-phone call across the WAN lab, for tests and benches: the panel's real MediaEngine runs in
 * the panel namespace (panel-media.ts), headless Chromium in the app namespace answers as the resident
 * app does (answer at once, candidates trickled both ways, ICE servers with TURN credentials from the
 * hub's scheme), and this process, in neither, carries the signaling between them as the broker would.
 * The figures are Chromium's own: its first frame shown, and getStats() on the inbound video (frames
 * decoded, freezes, NACKs, PLIs) and the selected candidate pair.
 */
import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import type { IceCandidate } from '../../../cloud-sync/protocol/ice.ts';
import { type Browser, launchChromium } from '../chromium.ts';
import { until } from '../until.ts';
import type { WanLab } from './topology.ts';

export interface IceServerInit {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** The page's half (plain JS: it runs in Chromium, not under tsc). */
const PAGE_SCRIPT = `
globalThis.wan = {
  pc: null, state: null, remoteSet: null,
  async answer(offer, iceServers) {
    const state = { offerAt: Date.now(), answeredAt: null, relayGatheredAt: null, iceConnectedAt: null, connectedAt: null, firstFrameAt: null };
    this.state = state;
    const pc = new RTCPeerConnection({ iceServers });
    this.pc = pc;
    pc.oniceconnectionstatechange = () => {
      if (pc.iceConnectionState === 'connected') state.iceConnectedAt ??= Date.now();
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') state.connectedAt ??= Date.now();
    };
    pc.addEventListener('icecandidate', (e) => {
      if (e.candidate?.type === 'relay') state.relayGatheredAt ??= Date.now();
    });
    pc.onicecandidate = (e) => globalThis.wanCandidate(
      e.candidate ? e.candidate.toJSON() : { candidate: '', sdpMid: null, sdpMLineIndex: null });
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    document.body.replaceChildren(video);
    pc.ontrack = (e) => {
      if (e.track.kind !== 'video') return;
      video.srcObject = new MediaStream([e.track]);
      video.play().catch(() => {});
    };
    video.requestVideoFrameCallback(() => { state.firstFrameAt = Date.now(); });
    this.remoteSet = pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await this.remoteSet;
    await pc.setLocalDescription(await pc.createAnswer());
    state.answeredAt = Date.now();
    return pc.localDescription.sdp;
  },
  async addCandidate(c) {
    await this.remoteSet;
    await this.pc.addIceCandidate(c.candidate === '' ? { candidate: '' , sdpMid: '0' } : c).catch(() => {});
  },
  async stats() {
    const report = await this.pc.getStats();
    const all = [...report.values()];
    const video = all.find((s) => s.type === 'inbound-rtp' && s.kind === 'video') ?? {};
    const transport = all.find((s) => s.type === 'transport');
    const pair = transport && report.get(transport.selectedCandidatePairId);
    const type = (id) => report.get(id)?.candidateType ?? null;
    return {
      framesDecoded: video.framesDecoded ?? 0,
      freezeCount: video.freezeCount ?? 0,
      totalFreezesDurationS: video.totalFreezesDuration ?? 0,
      packetsLost: video.packetsLost ?? 0,
      packetsReceived: video.packetsReceived ?? 0,
      nackCount: video.nackCount ?? 0,
      pliCount: video.pliCount ?? 0,
      keyFramesDecoded: video.keyFramesDecoded ?? 0,
      localCandidateType: pair ? type(pair.localCandidateId) : null,
      remoteCandidateType: pair ? type(pair.remoteCandidateId) : null,
      firstFrameAt: this.state?.firstFrameAt ?? null,
      timeline: this.state,
      states: this.pc && { ice: this.pc.iceConnectionState, connection: this.pc.connectionState, gathering: this.pc.iceGatheringState },
    };
  },
  close() { this.pc?.close(); this.pc = null; document.body.replaceChildren(); },
};`;

export interface AppVideoStats {
  framesDecoded: number;
  freezeCount: number;
  totalFreezesDurationS: number;
  packetsLost: number;
  packetsReceived: number;
  nackCount: number;
  pliCount: number;
  keyFramesDecoded: number;
  localCandidateType: string | null;
  remoteCandidateType: string | null;
  firstFrameAt: number | null;
  /** Wall times (ms) of the call's steps in the page. */
  timeline: Record<string, number | null>;
}

interface WanPage {
  wan: {
    answer(offer: string, iceServers: IceServerInit[]): Promise<string>;
    addCandidate(c: IceCandidate): Promise<void>;
    stats(): Promise<AppVideoStats>;
    close(): void;
  };
}

type PanelMessage =
  | { type: 'ready' }
  | { type: 'offer'; peerId: string; sdp: string }
  | { type: 'state'; peerId: string; state: string }
  | { type: 'local-candidate'; peerId: string; candidate: IceCandidate | null }
  | { type: 'error'; message: string };

/** The panel's media (MediaEngine) in the lab's panel namespace. */
export class WanPanelMedia {
  readonly #child: ChildProcess;
  readonly #listeners = new Set<(m: PanelMessage) => void>();
  readonly errors: string[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (m: PanelMessage) => {
      if (m.type === 'error') this.errors.push(m.message);
      for (const l of this.#listeners) l(m);
    });
  }

  static async start(
    lab: WanLab,
    iceServers: IceServerInit[],
    options: { sparePeers?: number; bare?: boolean } = {},
  ): Promise<WanPanelMedia> {
    const script = new URL('./panel-media.ts', import.meta.url).pathname;
    const child = lab.spawn('panel', process.execPath, [script], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: {
        ...process.env,
        PORTVAKT_WAN_ICE_SERVERS: JSON.stringify(iceServers),
        PORTVAKT_WAN_SPARE_PEERS: String(options.sparePeers ?? 0),
        PORTVAKT_WAN_BARE: options.bare ? '1' : '0',
      },
    });
    const media = new WanPanelMedia(child);
    await media.#next((m) => m.type === 'ready', 30_000);
    return media;
  }

  on(listener: (m: PanelMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  send(message: unknown): void {
    this.#child.send?.(message as object);
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.#child.once('exit', resolve));
    this.send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  #next(match: (m: PanelMessage) => boolean, timeoutMs: number): Promise<PanelMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`panel media: timed out (errors: ${this.errors.join('; ')})`));
      }, timeoutMs);
      const onExit = () => reject(new Error('panel media exited'));
      this.#child.once('exit', onExit);
      const off = this.on((m) => {
        if (!match(m)) return;
        clearTimeout(timer);
        this.#child.off('exit', onExit);
        off();
        resolve(m);
      });
    });
  }
}

/** Chromium inside the app namespace, on an empty page that can answer calls. */
export class WanApp {
  readonly browser: Browser;
  readonly page: Page;
  /** Where the page's trickled candidates go (the call in progress). */
  #onCandidate: (c: IceCandidate) => void = () => {};

  private constructor(browser: Browser) {
    this.browser = browser;
    this.page = browser.page;
  }

  static async start(lab: WanLab): Promise<WanApp> {
    const browser = await launchChromium({ executablePath: await lab.wrapper('app', '/usr/bin/chromium') });
    const app = new WanApp(browser);
    try {
      await app.page.exposeFunction('wanCandidate', (c: IceCandidate) => app.#onCandidate(c));
      // The page is served by the test itself (no server in the app namespace): any origin will do.
      await app.page.route('http://wan.lab/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>wan call</title>' }),
      );
      await app.page.goto('http://wan.lab/');
      await app.page.evaluate(PAGE_SCRIPT);
    } catch (err) {
      await browser.close();
      throw err;
    }
    return app;
  }

  /**
   * Rings (opens a panel peer), answers, trickles both ways, and waits for the first frame. Returns ms
   * from the ring (the request for the panel's offer) to the first frame Chromium showed.
   */
  async call(
    panel: WanPanelMedia,
    peerId: string,
    iceServers: IceServerInit[],
    options: { signalingDelayMs?: number; firstFrameTimeoutMs?: number } = {},
  ): Promise<number> {
    // Signaling crosses the lab as MQTT through a broker in the inet namespace would: one wan link each
    // side, so each message is held for that one-way time before it is delivered.
    const delay = options.signalingDelayMs ?? 0;
    const later = (fn: () => void) => (delay > 0 ? void setTimeout(fn, delay) : fn());
    const toPage: Promise<void>[] = [];
    const panelStates: string[] = [];
    const offStates = panel.on((m) => {
      if (m.type === 'state' && m.peerId === peerId) panelStates.push(`${m.state}@${Date.now() - ringAt}`);
    });
    let answered = false;
    const early: IceCandidate[] = [];
    const off = panel.on((m) => {
      if (m.type !== 'local-candidate' || m.peerId !== peerId) return;
      const c = m.candidate ?? { candidate: '', sdpMid: null, sdpMLineIndex: null };
      later(() => {
        if (!answered) early.push(c);
        else toPage.push(this.#addCandidate(c));
      });
    });
    this.#onCandidate = (c) => {
      if (c.candidate !== '') later(() => panel.send({ type: 'candidate', peerId, candidate: c }));
    };
    const ringAt = Date.now();
    try {
      const offer = new Promise<string>((resolve, reject) => {
        const stop = panel.on((m) => {
          if (m.type === 'offer' && m.peerId === peerId) later(() => resolve(m.sdp));
          else if (m.type === 'error') reject(new Error(m.message));
          else return;
          stop();
        });
      });
      panel.send({ type: 'open', peerId });
      const sdp = await offer;
      const answer = this.page.evaluate(
        ({ sdp, servers }) => (globalThis as unknown as WanPage).wan.answer(sdp, servers),
        { sdp, servers: iceServers },
      );
      answered = true;
      for (const c of early.splice(0)) toPage.push(this.#addCandidate(c));
      const answerSdp = await answer;
      later(() => panel.send({ type: 'answer', peerId, sdp: answerSdp }));
      const firstFrameAt = await until(
        async () => (await this.stats()).firstFrameAt,
        'the first frame across the WAN lab',
        options.firstFrameTimeoutMs ?? 30_000,
      ).catch(async (err: Error) => {
        // What the page got to, for the failure message: which step of the call never came.
        const seen = await this.stats().catch(() => undefined);
        throw new Error(
          `${err.message} (panel errors: ${panel.errors.join('; ') || 'none'}; panel peer: ${panelStates.join(' ')}; page: ${JSON.stringify(seen)})`,
        );
      });
      await Promise.all(toPage);
      return firstFrameAt - ringAt;
    } finally {
      off();
      offStates();
    }
  }

  stats(): Promise<AppVideoStats> {
    return this.page.evaluate(() => (globalThis as unknown as WanPage).wan.stats());
  }

  async hangUp(panel: WanPanelMedia, peerId: string): Promise<void> {
    this.#onCandidate = () => {};
    await this.page.evaluate(() => (globalThis as unknown as WanPage).wan.close());
    panel.send({ type: 'close', peerId });
  }

  close(): Promise<void> {
    return this.browser.close();
  }

  #addCandidate(c: IceCandidate): Promise<void> {
    return this.page.evaluate((c) => (globalThis as unknown as WanPage).wan.addCandidate(c), c);
  }
}
