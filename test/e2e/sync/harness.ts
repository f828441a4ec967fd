/**
 * Cloud sync with real parts: a Mosquitto broker (MQTT 5, password file + ACL), the hub in-process on a
 * temp data dir, and panels as `device/cli.ts` child processes with simulator hardware. Panels are
 * provisioned with the hub's own `provision` command, so their broker passwords and the pinned hub key
 * are the ones an installer would get.
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { parse } from 'yaml';
import type { OutboxEvent } from '../../../cloud-sync/agent/ports.ts';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { StoredEvent } from '../../../cloud-sync/hub/store/event-log.ts';
import { type MosquittoHandle, startMosquitto } from '../../../scripts/lab/mosquitto.ts';
import { shippedFile } from '../../../scripts/lab/mosquitto-config.ts';
import { until } from '../../../scripts/lab/until.ts';
import { api } from '../../support/http.ts';
import { startTestHub } from '../../support/hub.ts';
import { hubCli } from '../../support/hub-cli.ts';
import { connectClient } from '../../support/mqtt-client.ts';
import { type PanelProcess, startPanel, writeConfig } from '../../support/panel-process.ts';
import { tempDir } from '../../support/temp-dir.ts';

export const BUILDING = 'b1';
export const READER = 'reader-1';

export interface ProvisionedPanel {
  id: string;
  doorId: string;
  /** The broker password `provision` generated (the hub keeps only its hash). */
  password: string;
  /** panel.yaml as provisioned, with the lab's hardware and broker port filled in. */
  config: Record<string, unknown>;
  /** Store and config dir; kept across restarts of the panel process. */
  dir: string;
  /** The `mosquitto.acl.lines` provisioning wrote: what the installer appends to the broker's ACL. */
  aclLines: string;
}

export interface Lab {
  broker: MosquittoHandle;
  hub: Hub;
  hubDir: string;
  hubPassword: string;
  panels: Record<string, ProvisionedPanel>;
  stop(): Promise<void>;
}

export interface LabOptions {
  panelIds: string[];
  persistence?: boolean;
  extraConfig?: string;
  /** Extra broker users (name → password) and ACL lines appended to the product ACL. */
  extraUsers?: Record<string, string>;
  extraAcl?: string;
  /** The hub's check for CLI changes (HubSettings.recompileIntervalMs); default off. */
  recompileIntervalMs?: number;
  /** The built WebAdmin the hub serves at /admin/ (default: the checkout's dist/web/admin). */
  adminWebDir?: string;
  /** The hub's release catalogue and bundle server (software updates). */
  releases?: NonNullable<Parameters<typeof startTestHub>[0]['releases']>;
}

/** Provisions the panels, starts Mosquitto with their credentials and a hub on it. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const hubDir = tempDir('portvakt-hub-');
  await hubCliOk(hubDir, 'building', 'add', '--id', BUILDING, '--name', 'Storgatan 12', '--time-zone', 'UTC');
  const panels: Record<string, ProvisionedPanel> = {};
  for (const id of options.panelIds) panels[id] = await provision(hubDir, id);

  const hubPassword = randomBytes(18).toString('base64url');
  const users: Record<string, string> = { hub: hubPassword, ...options.extraUsers };
  for (const p of Object.values(panels)) users[p.id] = p.password;
  const broker = await startMosquitto({
    users,
    // The shipped ACL plus the lines provisioning printed for each panel, as an installer builds it.
    acl: [shippedFile('acl'), ...Object.values(panels).map((p) => p.aclLines), options.extraAcl ?? ''].join(
      '\n',
    ),
    persistence: options.persistence ?? false,
    ...(options.extraConfig ? { extraConfig: options.extraConfig } : {}),
  });
  for (const p of Object.values(panels)) {
    (p.config['sync'] as Record<string, unknown>)['brokerUrl'] = `mqtt://127.0.0.1:${broker.port}`;
  }

  const hub = await startTestHub({
    brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
    protocolVersion: 5,
    clientId: 'hub',
    username: 'hub',
    password: hubPassword,
    dataDir: hubDir,
    ...(options.recompileIntervalMs === undefined
      ? {}
      : { recompileIntervalMs: options.recompileIntervalMs }),
    ...(options.adminWebDir ? { adminWebDir: options.adminWebDir } : {}),
    ...(options.releases ? { releases: options.releases } : {}),
  });
  for (const p of Object.values(panels)) {
    hub.store.entities.create('doors', { id: p.doorId, panelId: p.id, name: `Door of ${p.id}` });
  }
  return {
    broker,
    hub,
    hubDir,
    hubPassword,
    panels,
    stop: async () => {
      await hub.stop();
      await broker.stop();
    },
  };
}

/** Runs `portvakt-hub …` on the hub's data dir, as the installer would; fails the setup on an error. */
async function hubCliOk(dataDir: string, ...argv: string[]): Promise<void> {
  const { code, err } = await hubCli(dataDir, ...argv);
  if (code !== 0) throw new Error(`portvakt-hub ${argv.join(' ')} failed (${code}): ${err}`);
}

async function provision(hubDir: string, id: string): Promise<ProvisionedPanel> {
  const dir = tempDir(`portvakt-${id}-`);
  const kit = join(dir, 'kit');
  // The real port is known only once the broker runs, and the broker needs the password first.
  await hubCliOk(
    hubDir,
    'provision',
    '--panel-id',
    id,
    '--building',
    BUILDING,
    '--broker-url',
    'mqtt://127.0.0.1:1',
    '--out',
    kit,
  );
  const config = parse(readFileSync(join(kit, 'panel.yaml'), 'utf8')) as Record<string, unknown>;
  const sync = config['sync'] as { password: string };
  const doorId = `${id}-door`;
  const chip = 'pinctrl-sim';
  // What an installer edits after provisioning: the wiring. The simulator stands in for GPIO and reader.
  config['hardware'] = { gpio: 'sim', reader: 'sim' };
  config['doors'] = [
    {
      id: doorId,
      name: `Door of ${id}`,
      relay: { chip, line: 17 },
      pulseMs: 1000,
      exitButton: { chip, line: 22, debounceMs: 0 },
      doorContact: { chip, line: 23, debounceMs: 0 },
    },
  ];
  config['readers'] = [{ id: READER, name: 'Sim Reader', doors: [doorId] }];
  config['access'] = { repeatTapWindowMs: 0 };
  config['store'] = { path: join(dir, 'store') };
  config['api'] = {
    host: '127.0.0.1',
    port: 0,
    installerToken: 'sync-e2e-installer-token-0123',
    readToken: READ_TOKEN,
  };
  config['log'] = { level: 'info' };
  const aclLines = readFileSync(join(kit, 'mosquitto.acl.lines'), 'utf8');
  return { id, doorId, password: sync.password, config, dir, aclLines };
}

export function startSyncPanel(panel: ProvisionedPanel): Promise<PanelProcess> {
  return startPanel(['--config', writeConfig(panel.dir, panel.config)]);
}

/** A resident with one card allowed on the panel's door at all times. */
export function seedResident(hub: Hub, panel: ProvisionedPanel, uid: string): { cardId: string } {
  const e = hub.store.entities;
  const unitId = `${panel.id}-unit`;
  const residentId = `${panel.id}-resident`;
  const cardId = `${panel.id}-card`;
  e.create('units', { id: unitId, buildingId: BUILDING, name: `Unit of ${panel.id}` });
  e.create('residents', { id: residentId, unitId, name: `Resident of ${panel.id}` });
  e.create('cards', { id: cardId, uid, residentId });
  e.create('accessRules', { id: `${panel.id}-rule`, residentId, doorId: panel.doorId });
  return { cardId };
}

/**
 * Waits until the panel reports it enforces the version the hub published last. The status can be
 * `unchanged` rather than `applied`: a retained snapshot that arrives with the SUBACK is applied before the
 * link counts as up, and the connect report that follows names the version then in force.
 */
export async function waitForConfigApplied(hub: Hub, panelId: string, timeoutMs = 10_000): Promise<number> {
  try {
    return await until(
      () => {
        const { config } = hub.store.panels.view(panelId);
        return config.publishedVersion !== null &&
          config.reportedVersion === config.publishedVersion &&
          config.reportedStatus !== 'rejected'
          ? config.reportedVersion
          : 0;
      },
      `${panelId} to apply the published config`,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}: ${JSON.stringify(hub.store.panels.view(panelId))}`);
  }
}

export const tap = (panel: PanelProcess, uid: string) =>
  api(panel.base, 'POST', `/api/v1/sim/readers/${READER}/tap`, { uid });

export async function relay(
  panel: PanelProcess,
  doorId: string,
): Promise<{ energized: boolean; energizeCount: number }> {
  const { body } = await api(panel.base, 'GET', '/api/v1/sim/relays');
  const found = body.relays.find((r: { name: string }) => r.name === `${doorId}.relay`);
  if (!found) throw new Error(`no relay ${doorId}.relay in ${JSON.stringify(body)}`);
  return found;
}

/** The panels' api.readToken: the harness reads their audit logs with it. */
const READ_TOKEN = 'sync-e2e-read-token-0123456789';

/** An audit event as the panel's API lists it: the same row the agent ships. */
export type PanelEvent = OutboxEvent;

/** The panel's whole audit log, from its local API. */
export async function panelEvents(panel: PanelProcess): Promise<PanelEvent[]> {
  const all: PanelEvent[] = [];
  for (let after = 0; ; ) {
    const { body } = await api(panel.base, 'GET', `/api/v1/events?after=${after}&limit=1000`, undefined, {
      authorization: `Bearer ${READ_TOKEN}`,
    });
    all.push(...body.events);
    if (body.events.length < 1000) return all;
    after = body.lastSeq;
  }
}

/** Everything the hub stored for one panel, in arrival order. */
export function hubEvents(hub: Hub, panelId: string): StoredEvent[] {
  const all: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = hub.store.events.list({ panelId, after, limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    after = page.at(-1)!.cursor;
  }
}

export interface Received {
  topic: string;
  payload: Buffer;
}

/** A raw MQTT 5 client on the lab's broker, with every message it gets from CONNACK on. */
export async function rawClient(
  port: number,
  username: string,
  password: string,
  extra: IClientOptions = {},
): Promise<{ client: MqttClient; received: Received[] }> {
  const received: Received[] = [];
  const { client } = await connectClient(
    `mqtt://127.0.0.1:${port}`,
    { username, password, ...extra },
    (topic, payload) => received.push({ topic, payload }),
  );
  return { client, received };
}

export const deviceRoot = (id: string): string => `portvakt/v1/devices/${id}`;
