/**
 * Pairing's world for end-to-end tests: the embedded broker (as `npm start` runs it: the hub's auth
 * backend admits app devices and paired panels), a hub with pairing on, a building with a resident and
 * her card, and an unpaired panel process started from a base config (simulated wiring, two relays, a
 * reader, `pairing.hubUrl` at the hub) on a fixed port, so its address survives the restart into the
 * paired state.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EmbeddedBroker } from '../../../cloud-sync/broker/embedded-broker.ts';
import { hubAppDeviceAcl, hubAppDeviceAuth, hubPanelAuth } from '../../../cloud-sync/broker/hub-auth.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { freePort } from '../../../scripts/lab/free-port.ts';
import { type AdminApi, adminApi, startTestHub } from '../../support/hub.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

export const UID = '04A1B2C3';
export const WIRED = [
  { id: 'relay-1', name: 'Door on relay 1' },
  { id: 'relay-2', name: 'Door on relay 2' },
];

export interface UnpairedPanel {
  process: PanelProcess;
  base: string;
  dataDir: string;
}

export interface PairingWorld {
  hub: Hub;
  hubBase: string;
  operator: AdminApi;
  /** Starts another unpaired panel process (stopped with the world). */
  unpairedPanel(): Promise<UnpairedPanel>;
  stop(): Promise<void>;
}

export async function startPairingWorld(): Promise<PairingWorld> {
  const secret = (): string => randomBytes(18).toString('base64url');
  const users = { hub: secret() };
  const brokerAuthSecret = secret();
  let hubBase = '';
  const broker = new EmbeddedBroker({
    users,
    hubUser: 'hub',
    appDeviceAuth: (u, p) => hubAppDeviceAuth(hubBase, brokerAuthSecret)(u, p),
    appDeviceAcl: (u, t, a) => hubAppDeviceAcl(hubBase, brokerAuthSecret)(u, t, a),
    panelAuth: (u, p) => hubPanelAuth(hubBase, brokerAuthSecret)(u, p),
    logger: silentLogger,
  });
  await broker.start();
  const hub = await startTestHub({
    brokerUrl: broker.url(),
    protocolVersion: 4,
    clientId: 'hub',
    username: 'hub',
    password: users.hub,
    residentApp: { brokerAuthSecret },
    pairing: { brokerUrl: broker.url(), mqttVersion: 4 },
  });
  hubBase = `http://127.0.0.1:${hub.apiAddress().port}`;
  const operator = adminApi(hub);
  await operator('POST', '/api/v1/buildings', {
    id: 'b1',
    name: 'Storgatan 12',
    timeZone: 'Europe/Stockholm',
  });
  await operator('POST', '/api/v1/units', { id: 'u1', buildingId: 'b1', name: '1101' });
  await operator('POST', '/api/v1/residents', { id: 'anna', unitId: 'u1', name: 'Anna Andersson' });
  await operator('POST', '/api/v1/cards', { id: 'card-anna', uid: UID, residentId: 'anna' });

  const panels: PanelProcess[] = [];
  const unpairedPanel = async (): Promise<UnpairedPanel> => {
    const dir = tempDir('portvakt-pairing-');
    const dataDir = join(dir, 'data');
    const port = await freePort();
    const base = writeConfig(dir, {
      hardware: { gpio: 'sim', reader: 'sim' },
      doors: WIRED.map((d, i) => ({ ...d, relay: { chip: 'pinctrl-sim', line: 17 + i } })),
      readers: [{ id: 'reader-1', name: 'ACS ACR122U', doors: WIRED.map((d) => d.id) }],
      store: { path: join(dataDir, 'panel.db') },
      api: { host: '127.0.0.1', port },
      access: { repeatTapWindowMs: 0 },
      pairing: { hubUrl: hubBase },
    });
    const process = await startPanel(['--config', base]);
    panels.push(process);
    return { process, base: process.base, dataDir };
  };
  return {
    hub,
    hubBase,
    operator,
    unpairedPanel,
    stop: async () => {
      for (const panel of panels) await panel.stop();
      await hub.stop();
      await broker.stop();
    },
  };
}
