/**
 * Installer mode as the local API sees it (the API calls it through this port, like the intercom's):
 * entering and leaving with the PIN, who a request's bearer is, and the self-test — relays through the
 * one door-open path, live inputs and reader, camera, microphone, speaker, network, clock, disk,
 * identity — the log export and the factory reset. The API's routes (device/api/routes/installer-*.ts)
 * parse and authorize; everything they do happens here.
 */
import { dirname } from 'node:path';
import type { MicLevel, SelfTestReply } from '../../cloud-sync/protocol/installer-api.ts';
import type { CardReaderDriver } from '../../hal/reader/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { AuthError, NotFoundError } from '../../lib/errors.ts';
import { bearerToken, secretsEqual } from '../../lib/http/bearer.ts';
import type { LogRing } from '../../lib/log/log-ring.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { PanelConfig } from '../config/schema.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import type { Doors } from '../door/doors.ts';
import type { IntercomSelfTest } from '../intercom/self-test.ts';
import type { SyncLinkStatus } from '../sync/sync-module.ts';
import { type EnteredSession, InstallerSessions, type InstallerStatus } from './installer-sessions.ts';
import { type LiveListener, LiveView } from './live-view.ts';
import { PinBackoff } from './pin-backoff.ts';
import { InstallerPinSource } from './pin-source.ts';
import { clockSync, diskSpace, softwareVersion } from './system-facts.ts';

/** Who made an installer request: a PIN session (its id), or a script with the installer token (null). */
export interface InstallerCaller {
  session: string | null;
}

export interface InstallerModeDeps {
  config: PanelConfig;
  clock: Clock;
  audit: AuditLog;
  doors: Doors;
  opener: DoorOpener;
  readers: CardReaderDriver;
  readerIdFor: (physicalName: string) => string | undefined;
  /** The monotonic time the panel started. */
  startedAt: number;
  /** The building's name, from the synced data (null before any). */
  buildingName: () => string | null;
  syncState: () => { configVersion: number; configEpoch: number };
  /** Absent: the panel has no sync section. */
  syncLink?: (() => SyncLinkStatus) | undefined;
  /** Each applied config (the bus's `config.applied`); returns the unsubscribe. */
  onConfigApplied?: ((listener: () => void) => () => void) | undefined;
  /** Absent: no intercom, so no camera, microphone or speaker. */
  media?: IntercomSelfTest | undefined;
  logRing?: LogRing | undefined;
  /** Erases the panel and restarts it (the composition root knows how); runs after the reply is sent. */
  factoryReset: () => void;
  logger: Logger;
}

export class InstallerMode {
  readonly #d: InstallerModeDeps;
  readonly sessions: InstallerSessions;
  readonly #live: LiveView;
  #lastConfigAt: number | null = null;
  readonly #unwatch: (() => void) | undefined;

  constructor(deps: InstallerModeDeps) {
    this.#d = deps;
    const dataDir = dirname(deps.config.store.path);
    this.sessions = new InstallerSessions({
      pins: new InstallerPinSource(dataDir, deps.config.api.installerPinHash),
      backoff: new PinBackoff(dataDir, { clock: deps.clock, logger: deps.logger }),
      audit: deps.audit,
      clock: deps.clock,
      logger: deps.logger,
    });
    this.#live = new LiveView({
      doors: deps.doors,
      readers: deps.readers,
      readerIdFor: deps.readerIdFor,
      micLevel: deps.media ? () => this.micLevel() : undefined,
      clock: deps.clock,
      logger: deps.logger,
    });
    this.#unwatch = deps.onConfigApplied?.(() => {
      this.#lastConfigAt = deps.clock.now();
    });
  }

  status(): Promise<InstallerStatus> {
    return this.sessions.status();
  }

  enter(pin: string): Promise<EnteredSession> {
    return this.sessions.enter(pin);
  }

  /**
   * Who the request's bearer is: the PIN session (touched: its idle time starts again) or the installer
   * token. Anything else is a 401. Both are compared in constant time.
   */
  authorize(req: { headers: { authorization?: string | undefined } }): InstallerCaller {
    const given = bearerToken(req);
    const token = this.#d.config.api.installerToken;
    const byToken = token !== undefined && secretsEqual(given, token);
    const session = given ? this.sessions.use(given) : undefined;
    if (session) return { session: session.id };
    if (byToken) return { session: null };
    throw new AuthError(
      'installer mode needs a session (POST /api/v1/installer/session with the PIN) or the installer token (Authorization: Bearer …)',
    );
  }

  /** Whether a stream opened with `req`'s bearer may go on (the session has not ended since). */
  stillAuthorized(req: { headers: { authorization?: string | undefined } }): boolean {
    const given = bearerToken(req);
    const token = this.#d.config.api.installerToken;
    return this.sessions.isCurrent(given) || (token !== undefined && secretsEqual(given, token));
  }

  leave(req: { headers: { authorization?: string | undefined } }): boolean {
    return this.sessions.leave(bearerToken(req));
  }

  follow(listener: LiveListener): () => void {
    return this.#live.follow(listener);
  }

  async selfTest(): Promise<SelfTestReply> {
    const { config, clock, readers } = this.#d;
    const attached = readers.attachedReaders();
    const [software, clockState, disk] = await Promise.all([
      softwareVersion(),
      clockSync(),
      diskSpace(dirname(config.store.path)),
    ]);
    const sync = this.#d.syncState();
    return {
      identity: {
        panelId: config.panel.id,
        panelName: config.panel.name,
        buildingName: this.#d.buildingName(),
      },
      software,
      uptimeS: Math.round((clock.monotonic() - this.#d.startedAt) / 1000),
      relays: this.#live.relays(),
      inputs: this.#live.inputs(),
      readers: config.readers.map((r) => ({
        id: r.id,
        name: r.name,
        attached: attached.some((name) => name.startsWith(r.name)),
      })),
      network: {
        broker: {
          configured: this.#d.syncLink !== undefined,
          ...(this.#d.syncLink?.() ?? { connected: false, since: null }),
        },
        hub: { ...sync, lastConfigAt: this.#lastConfigAt },
      },
      clock: { ...clockState, now: clock.now() },
      disk,
      media: { intercom: this.#d.media !== undefined },
    };
  }

  /**
   * One relay click through the one door-open path: `installer.relay_tested` is the decision the door's
   * `door.unlocked` cites, committed before the relay moves, like every other opening.
   */
  testPulse(doorId: string, caller: InstallerCaller, pulseMs?: number): { doorId: string; pulseMs: number } {
    const { opener, doors } = this.#d;
    const door = doors.get(doorId);
    if (!door)
      throw new NotFoundError(
        `no door "${doorId}"; doors: ${doors
          .all()
          .map((d) => d.id)
          .join(', ')}`,
      );
    const length = pulseMs ?? this.#d.config.doors.find((d) => d.id === doorId)!.pulseMs;
    const result = opener.openOne(
      { type: 'installer.relay_tested', doorId, data: { session: caller.session, pulseMs: length } },
      doorId,
      length,
    );
    return { doorId, pulseMs: result.pulseMs };
  }

  /** The camera's still; 'no-camera' when there is none (no intercom, or no picture yet). */
  async camera(): Promise<Buffer | 'no-camera'> {
    return (await this.#d.media?.snapshot()) ?? 'no-camera';
  }

  async micLevel(): Promise<MicLevel> {
    if (!this.#d.media) return { available: false, peakDbfs: null, rmsDbfs: null, windowMs: 0 };
    return this.#d.media.micLevel();
  }

  get hasMedia(): boolean {
    return this.#d.media !== undefined;
  }

  async speakerTest(caller: InstallerCaller): Promise<void> {
    if (!this.#d.media) throw new NotFoundError('this panel has no intercom: no speaker to test');
    await this.#d.media.speakerTest();
    this.#record({ type: 'installer.speaker_tested', data: { session: caller.session } });
  }

  /** The newest `lines` log lines (already redacted by the loggers), oldest first. */
  logs(lines: number, caller: InstallerCaller): string[] {
    const out = this.#d.logRing?.last(lines) ?? [];
    this.#record({ type: 'installer.logs_exported', data: { session: caller.session, lines: out.length } });
    return out;
  }

  /** Ends the session and hands over to the composition root, which erases and restarts the panel. */
  factoryReset(): void {
    this.sessions.endAll('reset');
    this.#d.factoryReset();
  }

  stop(): void {
    this.#unwatch?.();
    this.sessions.stop();
  }

  #record(event: Parameters<AuditLog['append']>[0]): void {
    try {
      this.#d.audit.append(event);
    } catch (err) {
      this.#d.logger.error({ err, type: event.type }, 'could not record an installer mode event');
    }
  }
}
