import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPublicKey, generateSigningKeys } from '../../cloud-sync/protocol/signing.ts';
import { startCallFlood } from '../../scripts/lab/call-flood.ts';
import { type MosquittoHandle, startMosquitto } from '../../scripts/lab/mosquitto.ts';
import { admitAppDevices } from '../../scripts/lab/mosquitto-app-devices.ts';
import { until } from '../../scripts/lab/until.ts';
import { INSTALLER, panelConfig } from '../support/configs.ts';
import { api } from '../support/http.ts';
import { type PanelProcess, startPanel, writeConfig } from '../support/panel-process.ts';
import { seedBell, seedCards } from '../support/seed.ts';
import { tempDir } from '../support/temp-dir.ts';

const PANEL_ID = 'test-panel';
const PANEL_PASSWORD = 'test-panel-password-0123456789';
const ATTACKER = 'app-mallory';
const ATTACKER_PASSWORD = 'mallory-password-0123456789';
const HUB_PASSWORD = 'hub-password-0123456789';
const CARD = '04A1B2C3D4E5F6';
const BATCH = 20_000;
const PULSE_MS = 5000;
const WINDOW_S = 2;
const BELL = 'bell-r';

/**
 * The panel subscribes to the call topics of the app devices in its call only: a resident's login that
 * is not in the call reaches nothing at all, and one in the call that floods is cut from it at once.
 */
type AuditRow = { seq: number; ts: number; type: string; doorId?: string; data: Record<string, unknown> };

describe('a panel under a flood of junk call messages from one app login', () => {
  let broker: MosquittoHandle;
  let panel: PanelProcess;
  let dir: string;
  let storePath: string;

  beforeAll(async () => {
    dir = tempDir('portvakt-flood-');
    broker = await startMosquitto({
      users: { [PANEL_ID]: PANEL_PASSWORD, hub: HUB_PASSWORD },
    });
    await admitAppDevices(broker.port, HUB_PASSWORD, [
      { id: ATTACKER, password: ATTACKER_PASSWORD, panelIds: [PANEL_ID] },
    ]);
    storePath = join(dir, 'panel.db');
    const base = panelConfig({ storePath, pulseMs: 1000 });
    const { publicKey } = await generateSigningKeys();
    const config = {
      ...base,
      doors: [
        ...(base['doors'] as object[]),
        { id: 'bike-room', name: 'Bike room', relay: { chip: 'pinctrl-sim', line: 18 }, pulseMs: PULSE_MS },
      ],
      sync: {
        brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
        password: PANEL_PASSWORD,
        hubPublicKey: await exportPublicKey(publicKey),
      },
      intercom: {
        media: { camera: { driver: 'sim', audio: { driver: 'sim' } } },
        loopbackOnly: true,
        callLimits: { refusalWindowS: WINDOW_S },
      },
      log: { level: 'info' },
    };
    panel = await startPanel(['--config', writeConfig(dir, config)]);
    seedCards(storePath, 'entrance', [CARD]);
    await until(
      () => /connected to the sync broker/.test(panel.output()) && /intercom ready/.test(panel.output()),
      'the panel online at the broker with its intercom running',
      20_000,
    );
  }, 60_000);

  afterAll(async () => {
    await panel?.stop();
    await broker?.stop();
  });

  const flood = () =>
    startCallFlood({
      brokerPort: broker.port,
      panelId: PANEL_ID,
      appDeviceId: ATTACKER,
      password: ATTACKER_PASSWORD,
      dir,
      batch: BATCH,
    });

  const events = async (): Promise<AuditRow[]> =>
    (await api(panel.base, 'GET', '/api/v1/events?after=0&limit=1000', undefined, INSTALLER)).body.events;

  /** Taps the card every 20 ms for `ms`; each must be granted. Returns each tap's round trip in ms. */
  async function tapFor(ms: number): Promise<number[]> {
    const tapMs: number[] = [];
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const t0 = performance.now();
      const tap = await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: CARD });
      tapMs.push(performance.now() - t0);
      expect(tap.body).toMatchObject({ granted: true });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return tapMs;
  }

  async function expectHealthyAndQuick(): Promise<void> {
    const health = await api(panel.base, 'GET', '/healthz');
    expect(health.status).toBe(200);
    const t0 = performance.now();
    expect(
      (await api(panel.base, 'POST', '/api/v1/sim/readers/entrance-reader/tap', { uid: CARD })).body,
    ).toMatchObject({ granted: true });
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(panel.output()).not.toMatch(/uncaught exception/);
  }

  it('a login not in the call reaches nothing: taps keep their latency, a pulse relocks on time, no row', async () => {
    const flooding = flood();
    // The pulse starts with the flood and ends while it still runs.
    const unlock = await api(panel.base, 'POST', '/api/v1/doors/bike-room/unlock', {}, INSTALLER);
    expect(unlock.status).toBe(202);
    const tapMs = await tapFor(PULSE_MS + 2000);
    const sent = await flooding.stop();
    expect(sent).toBeGreaterThanOrEqual(BATCH);
    // Unprotected, a tap waited tens of seconds behind 20,000 messages.
    expect(tapMs.length).toBeGreaterThan(50);
    expect(Math.max(...tapMs)).toBeLessThan(1000);

    await new Promise((resolve) => setTimeout(resolve, (WINDOW_S + 1) * 1000));
    const rows = await events();
    // The pulse's relock, as the panel recorded it: unprotected it came 10 s late.
    const unlocked = rows.find((e) => e.type === 'door.unlocked' && e.doorId === 'bike-room');
    const locked = rows.find((e) => e.type === 'door.locked' && e.doorId === 'bike-room');
    expect(unlocked?.data['pulseMs']).toBe(PULSE_MS);
    expect(locked).toBeDefined();
    const overrunMs = locked!.ts - (unlocked!.data['unlockedUntil'] as number);
    expect(overrunMs).toBeLessThan(1000);
    // Not one message reached the panel: the broker had no subscriber for them.
    expect(rows.filter((e) => e.type.startsWith('call.'))).toEqual([]);
    await expectHealthyAndQuick();
  }, 120_000);

  it('a rung login that floods is cut from the call at once; the rest of its flood never arrives', async () => {
    seedBell(storePath, BELL, [ATTACKER, 'app-anna']);
    const seqBefore = Math.max(0, ...(await events()).map((e) => e.seq));
    const ring = await api(panel.base, 'POST', `/api/v1/bells/${BELL}/ring`, {});
    expect(ring.status).toBe(202);
    const callId = ring.body.callId as string;
    const flooding = flood();
    const tapMs = await tapFor(2000);
    const sent = await flooding.stop();
    expect(Math.max(...tapMs)).toBeLessThan(1000);

    await new Promise((resolve) => setTimeout(resolve, (WINDOW_S + 1) * 1000));
    const rows = (await events()).filter((e) => e.seq > seqBefore);
    expect(rows.filter((e) => e.type === 'call.device_cut')).toEqual([
      expect.objectContaining({ data: { callId, appDeviceId: ATTACKER, reason: 'device_rate_limited' } }),
    ]);
    // Counted: its admitted burst, then what was already on its way when the panel unsubscribed.
    const floodRows = rows.filter(
      (e) => (e.type === 'call.refused' || e.type === 'call.flood') && e.data['appDeviceId'] === ATTACKER,
    );
    const counted = floodRows.reduce(
      (n, e) =>
        n +
        (e.type === 'call.refused' ? 1 : (e.data['refused'] as number) + (e.data['rateLimited'] as number)),
      0,
    );
    expect(counted).toBeGreaterThan(100);
    expect(counted).toBeLessThan(Math.min(sent, BATCH) / 4);
    // Anna's device still rings: the call goes on without the attacker.
    expect((await api(panel.base, 'GET', '/api/v1/call')).body).toMatchObject({ phase: 'ringing', callId });
    expect((await api(panel.base, 'POST', `/api/v1/calls/${callId}/hangup`, {})).status).toBe(200);
    await expectHealthyAndQuick();
  }, 120_000);
});
