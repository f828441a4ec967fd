/** An intercom on fake time with small in-memory collaborators: a broker link, media, directory, doors. */
import type { CallLink, CallLinkEvents } from '../../../cloud-sync/agent/link.ts';
import type { PanelCallMessage } from '../../../cloud-sync/protocol/calls.ts';
import type { BellType } from '../../../cloud-sync/protocol/directory.ts';
import type { IceCandidate } from '../../../cloud-sync/protocol/ice.ts';
import { CallChannel } from '../../../device/intercom/call-channel.ts';
import { Intercom } from '../../../device/intercom/intercom.ts';
import type {
  BellRing,
  IntercomDirectory,
  IntercomMedia,
  IntercomPhone,
  MediaEvents,
  PhoneLegReport,
  PhoneLegRequest,
} from '../../../device/intercom/ports.ts';
import type { Callee } from '../../../device/intercom/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { NotFoundError } from '../../../lib/errors.ts';
import { SafeEmitter } from '../../../lib/events.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { FakeAudit } from '../door/fakes.ts';

/**
 * The broker as the panel sees it: what the panel sent, and a way to deliver an app device's message. As a
 * broker does, it delivers only what the panel subscribed to: messages of devices it does not listen to
 * are counted in `undelivered`.
 */
export class MemoryCallLink implements CallLink {
  readonly events = new SafeEmitter<CallLinkEvents>();
  readonly sent: { appDeviceId: string; message: PanelCallMessage; expiryS: number }[] = [];
  up = true;
  listening: ReadonlySet<string> = new Set();
  undelivered = 0;
  /** Delivers every message, as a broker that ignores subscriptions would (the panel's own checks). */
  ignoresSubscriptions = false;
  async listenTo(appDeviceIds: ReadonlySet<string>): Promise<void> {
    this.listening = new Set(appDeviceIds);
  }
  isUp(): boolean {
    return this.up;
  }
  async publishCall(appDeviceId: string, payload: unknown, options: { expiryS: number }): Promise<void> {
    if (!this.up) throw new Error('not connected');
    this.sent.push({ appDeviceId, message: payload as PanelCallMessage, expiryS: options.expiryS });
  }
  deliver(appDeviceId: string, message: unknown): void {
    if (!this.ignoresSubscriptions && !this.listening.has(appDeviceId)) {
      this.undelivered++;
      return;
    }
    const payload = Buffer.from(typeof message === 'string' ? message : JSON.stringify(message));
    this.events.emit('message', { appDeviceId, payload });
  }
  to(appDeviceId: string): PanelCallMessage[] {
    return this.sent.filter((s) => s.appDeviceId === appDeviceId).map((s) => s.message);
  }
  types(appDeviceId: string): string[] {
    return this.to(appDeviceId).map((m) => m.type);
  }
}

/** Media that records what the intercom asked of it; SDPs are placeholders. */
export class RecordingMedia implements IntercomMedia {
  readonly events = new SafeEmitter<MediaEvents>();
  readonly open = new Map<string, { video: boolean; answer?: string; candidates: IceCandidate[] }>();
  readonly log: string[] = [];
  talker: string | undefined;
  jpeg: Buffer | undefined = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0xff, 0xd9]);
  failAnswer = false;
  /** Offers wait for releaseOffers(), as on a panel with no spare peer ready when the bell rings. */
  holdOffers = false;
  readonly #held: Array<() => void> = [];
  async openPeer(peerId: string, options: { video: boolean }): Promise<{ sdp: string }> {
    this.open.set(peerId, { video: options.video, candidates: [] });
    this.log.push(`open ${peerId}`);
    if (this.holdOffers) await new Promise<void>((resolve) => this.#held.push(resolve));
    return { sdp: `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=${peerId}\r\n` };
  }
  releaseOffers(): void {
    for (const release of this.#held.splice(0)) release();
  }
  async acceptAnswer(peerId: string, sdp: string): Promise<void> {
    if (this.failAnswer) throw new Error('invalid SDP: no media sections');
    const peer = this.#peer(peerId);
    peer.answer = sdp;
  }
  async addRemoteCandidate(peerId: string, candidate: IceCandidate): Promise<void> {
    this.#peer(peerId).candidates.push(candidate);
  }
  async setVideo(peerId: string, enabled: boolean): Promise<void> {
    this.#peer(peerId).video = enabled;
    this.log.push(`video ${peerId} ${enabled}`);
  }
  async setTalker(peerId: string | undefined): Promise<void> {
    this.talker = peerId;
  }
  async closePeer(peerId: string): Promise<void> {
    this.open.delete(peerId);
    this.log.push(`close ${peerId}`);
  }
  async snapshot(): Promise<Buffer | undefined> {
    return this.jpeg;
  }
  #peer(peerId: string) {
    const peer = this.open.get(peerId);
    if (!peer) throw new Error(`unknown peer "${peerId}"`);
    return peer;
  }
}

export interface TestResident {
  id: string;
  devices: string[];
  hidden?: boolean;
  ringS?: number;
  phone?: string;
  via?: 'app' | 'phone';
}

export function intercomHarness(
  type: BellType,
  residents: TestResident[],
  opts: { doorId?: string | null } = {},
) {
  const clock = new FakeClock();
  const audit = new FakeAudit(clock);
  const link = new MemoryCallLink();
  const media = new RecordingMedia();
  const channel = new CallChannel(silentLogger, { clock });
  channel.attach(link);
  const opened: { doorId: string; residentId: string; callId: string }[] = [];
  const phone = new ScriptedPhone();
  const owners = new Map(residents.flatMap((r) => r.devices.map((d) => [d, r.id] as const)));
  const directory: IntercomDirectory = {
    bellRing(bellId: string): BellRing {
      if (bellId !== 'bell-1') throw new NotFoundError(`no bell "${bellId}"`);
      const callees: Callee[] = residents.map((r) => ({
        residentId: r.id,
        devices: r.devices,
        hidden: r.hidden ?? false,
        ringS: r.ringS,
        phone: r.phone ?? null,
        via: r.via,
      }));
      return {
        target: { bellId, type, callees, ringTimeoutS: 60, stepS: 20 },
        bellText: 'Andersson',
        doorId: opts.doorId === undefined ? 'front' : opts.doorId,
      };
    },
    appDeviceOwner: (appDeviceId) => owners.get(appDeviceId),
    ringtoneOf: () => 'chime',
  };
  const intercom = new Intercom({
    panelName: 'Main entrance',
    directory,
    media,
    channel,
    doors: {
      openForCall: (doorId, by) => {
        opened.push({ doorId, residentId: by.residentId, callId: by.callId });
        return { ok: true };
      },
      openForPhone: (doorId, by) => {
        opened.push({ doorId, residentId: by.residentId, callId: by.callId });
        return { ok: true };
      },
    },
    phone,
    audit,
    clock,
    logger: silentLogger,
    doorName: (doorId) => (doorId === 'front' ? 'Front door' : undefined),
  });
  intercom.start();
  return { clock, audit, link, media, intercom, opened, phone };
}

/** The phone fallback as a script: records each leg, and the test says how it goes. */
export class ScriptedPhone implements IntercomPhone {
  readonly legs: { request: PhoneLegRequest; report: PhoneLegReport; ended: boolean }[] = [];

  dial(request: PhoneLegRequest, report: PhoneLegReport): void {
    this.legs.push({ request, report, ended: false });
  }

  end(callId: string): void {
    for (const leg of this.legs) if (leg.request.callId === callId) leg.ended = true;
  }

  /** The leg in progress (the last one dialed and not ended by the intercom). */
  current(): { request: PhoneLegRequest; report: PhoneLegReport } {
    const leg = this.legs.at(-1);
    if (!leg || leg.ended) throw new Error('no phone leg in progress');
    return leg;
  }
}

/** Lets the intercom's async steps (snapshot, offer) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

export function msg(callId: string, type: string, extra: Record<string, unknown> = {}) {
  return { protocol: 1, callId, type, ...extra };
}
