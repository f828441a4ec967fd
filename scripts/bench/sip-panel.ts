/**
 * The real panel for the SIP figures (bench group `sip`): the demo panel in-process on the system clock,
 * with the intercom and its phone fallback (`intercom.phone`) pointing at a SIP edge, and a bell whose
 * resident has no app device but a phone number — so ringing it dials the phone at once.
 *
 * What it reports is stamped with `wallNow()` (performance.timeOrigin + performance.now()) when the panel
 * announces it, so it compares with a phone's stamps in another process on the same machine:
 *  - each audit row of the call (`call.phone_dialing`: the router's decision to call the phone;
 *    `call.phone_ringing`: the phone's 180 as the panel sees it; `call.phone_answered`, `call.phone_ended`),
 *    from the panel's event bus, synchronously after the row is written;
 *  - the main entrance's relay energized, from the sim GPIO driver's relay event.
 * Every method takes and returns plain data, so sip-panel-child.ts serves it over IPC unchanged (the WAN
 * lab runs the panel in its own namespace).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../device/config/load.ts';
import type { PanelConfigInput } from '../../device/config/schema.ts';
import { Panel } from '../../device/main.ts';
import { demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import type { SimGpioDriver } from '../../hal/gpio/sim.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { wallNow } from '../lab/scripted-phone.ts';
import { until } from '../lab/until.ts';

/** resident-06 of the demo building has a phone number and no app device. */
export const PHONE_RESIDENT = 'resident-06';
export const PHONE_NUMBER = '+46701234506';
export const PHONE_BELL = 'bell-bench-phone';
const RELAY = 'main-entrance.relay';
/** The shortest pulse the config allows: each call's digit finds the door locked again soon. */
const PULSE_MS = 1000;

export interface SipPanelOptions {
  edgeUrl: string;
  domain: string;
  username: string;
  password: string;
  /** PEM file of the edge's CA (wss://). */
  ca?: string;
  /** The panel listens for its API on this address (default 127.0.0.1). */
  apiHost?: string;
}

type CallRow = 'call.phone_dialing' | 'call.phone_ringing' | 'call.phone_answered' | 'call.phone_ended';

export class SipBenchPanel {
  readonly #panel: Panel;
  readonly #dir: string;
  readonly #rows: { type: string; callId: string; at: number; data: Record<string, unknown> }[] = [];
  readonly #energized: number[] = [];
  #relayOn = false;

  private constructor(panel: Panel, dir: string) {
    this.#panel = panel;
    this.#dir = dir;
    panel.bus.on('audit', (e) => {
      const data = (e.data ?? {}) as Record<string, unknown>;
      if (typeof data['callId'] === 'string')
        this.#rows.push({ type: e.type, callId: data['callId'], at: wallNow(), data });
    });
    (panel.gpio as SimGpioDriver).on('relay', (r) => {
      if (r.name !== RELAY) return;
      this.#relayOn = r.energized;
      if (r.energized) this.#energized.push(wallNow());
    });
  }

  static async start(options: SipPanelOptions): Promise<SipBenchPanel> {
    const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-sip-'));
    const input: PanelConfigInput = demoConfig({
      storePath: join(dir, 'panel.db'),
      port: 0,
      installerToken: 'bench-installer-token-00000',
    });
    const config = validateConfig({
      ...input,
      api: { ...input.api, host: options.apiHost ?? '127.0.0.1' },
      doors: input.doors.map((d, i) => (i === 0 ? { ...d, pulseMs: PULSE_MS } : d)),
      intercom: {
        ...input.intercom,
        phone: {
          edgeUrl: options.edgeUrl,
          domain: options.domain,
          username: options.username,
          password: options.password,
          ...(options.ca ? { ca: options.ca } : {}),
        },
      },
    });
    const panel = new Panel({ config, logger: silentLogger });
    try {
      await panel.start();
      const building = demoBuilding();
      building.bells = [
        ...(building.bells ?? []),
        {
          id: PHONE_BELL,
          unitId: 'flat-3002',
          type: 'separate',
          residentId: PHONE_RESIDENT,
          displayText: 'Ek (phone)',
          doorId: 'main-entrance',
        },
      ];
      panel.store!.buildingData.replaceBuildingData(building);
    } catch (err) {
      await panel.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    const rig = new SipBenchPanel(panel, dir);
    // The intercom (media process, SIP registration) comes up behind the panel's readiness.
    await until(async () => (await rig.#api('GET', '/api/v1/call')).ok, 'the panel API', 10_000);
    return rig;
  }

  /** Presses the phone resident's bell through the panel's API; `at`: just before the request. */
  async ring(): Promise<{ callId: string; at: number }> {
    const at = wallNow();
    const res = await this.#api('POST', `/api/v1/bells/${PHONE_BELL}/ring`);
    const body = (await res.json()) as { callId?: string };
    if (!body.callId) throw new Error(`the panel did not ring: ${res.status} ${JSON.stringify(body)}`);
    return { callId: body.callId, at };
  }

  /** When the call's row of this type was announced (waits for it; fails if the phone leg ended first). */
  async row(callId: string, type: CallRow, timeoutMs = 10_000): Promise<number> {
    const row = await until(
      () => {
        const found = this.#rows.find((r) => r.callId === callId && r.type === type);
        const ended = this.#rows.find((r) => r.callId === callId && r.type === 'call.phone_ended');
        // A call that ended first never gets the row: say how it ended rather than time out.
        if (!found && ended)
          throw new Error(`the phone call ended (${JSON.stringify(ended.data)}) before ${type}`);
        return found;
      },
      `${type} of ${callId}`,
      timeoutMs,
    );
    return row.at;
  }

  /** The data of the call's rows so far (for failure messages). */
  async rows(callId: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
    return this.#rows.filter((r) => r.callId === callId).map(({ type, data }) => ({ type, data }));
  }

  /** The first energize of the main entrance's relay after `after` (wallNow), or null by the timeout. */
  async energizedAfter(after: number, timeoutMs = 3000): Promise<number | null> {
    try {
      return await until(() => this.#energized.find((t) => t > after), 'the relay to energize', timeoutMs);
    } catch {
      return null;
    }
  }

  /** The visitor leaves: the panel hangs up, and its call has ended. */
  async hangUp(callId: string): Promise<void> {
    await this.#api('POST', `/api/v1/calls/${callId}/hangup`);
    await this.row(callId, 'call.phone_ended');
    await until(
      async () =>
        ((await (await this.#api('GET', '/api/v1/call')).json()) as { phase?: string }).phase === 'idle',
      'the panel idle',
      10_000,
    );
  }

  /** Waits until the main entrance is locked again (its pulse over). */
  async relocked(): Promise<void> {
    await until(() => !this.#relayOn, 'the main entrance to lock again', PULSE_MS + 5000);
  }

  async stop(): Promise<void> {
    await this.#panel.stop();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #api(method: string, path: string): Promise<Response> {
    const { host, port } = this.#panel.apiAddress();
    return fetch(`http://${host}:${port}${path}`, { method });
  }
}
