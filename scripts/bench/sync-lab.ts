/**
 * The cloud-sync path as deployed, for the sync figures: a private Mosquitto with the product ACL, the
 * real hub as its own process (`portvakt-hub serve`, so its compile and publish work does not share an
 * event loop with the panel, as on real machines), and a sim Panel whose sync agent is composed here
 * exactly as device/sync/sync-module.ts composes it (StoreOutbox, MqttLink, SyncAgent, StoreConfigReplica)
 * so the benches can see when the replica has committed and when the agent has handled a message.
 * Needs the lab namespace (Mosquitto listens on the namespace's loopback).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttLink } from '../../cloud-sync/agent/mqtt-link.ts';
import type { ConfigReplica } from '../../cloud-sync/agent/ports.ts';
import { SyncAgent } from '../../cloud-sync/agent/sync-agent.ts';
import { TrustedKeys } from '../../cloud-sync/agent/trusted-keys.ts';
import { loadOrCreateKeys } from '../../cloud-sync/hub/signer/keys.ts';
import { type HubStore, openHubStore } from '../../cloud-sync/hub/store/hub-store.ts';
import type { ConfigPatchMessage } from '../../cloud-sync/protocol/messages.ts';
import type { DeviceLeaf } from '../../cloud-sync/protocol/topics.ts';
import { validateConfig } from '../../device/config/load.ts';
import type { PanelConfig, SyncConfig } from '../../device/config/schema.ts';
import { DoorOpener } from '../../device/door/door-opener.ts';
import { Panel } from '../../device/main.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { PanelCommandTarget } from '../../device/sync/command-target.ts';
import { StoreConfigReplica, StoreHubKeys } from '../../device/sync/config-replica.ts';
import { SqliteNonceStore } from '../../device/sync/nonce-store.ts';
import { StoreOutbox } from '../../device/sync/outbox.ts';
import { protocolErrorEvent } from '../../device/sync/start-sync.ts';
import { SystemClock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { type MosquittoHandle, startMosquitto } from '../lab/mosquitto.ts';
import { BENCH_PANEL_ID, type HubBuildingSize, seedHubBuilding } from './hub-building.ts';

const HUB_CLI = new URL('../../cloud-sync/hub/cli.ts', import.meta.url).pathname;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const PANEL_PASSWORD = 'bench-panel-password-0123456789';
const HUB_PASSWORD = 'bench-hub-password-0123456789';

/** The replica the panel runs, telling the bench after each commit (the agent calls it synchronously). */
class ObservedReplica extends StoreConfigReplica implements ConfigReplica {
  onApplied: (version: number) => void = () => {};

  override applySnapshot(stamp: { epoch: number; version: number }, data: unknown): void {
    super.applySnapshot(stamp, data);
    this.onApplied(stamp.version);
  }

  override applyPatch(patch: ConfigPatchMessage): void {
    super.applyPatch(patch);
    this.onApplied(patch.version);
  }
}

export interface SyncLab {
  panel: Panel;
  /** The panel's config, with its `sync` section (defaults filled in) split off into `sync`. */
  config: PanelConfig;
  sync: SyncConfig;
  replica: ObservedReplica;
  outbox: StoreOutbox;
  link: MqttLink;
  /** Called after the agent has fully handled each message it received. */
  onHandled(listener: (leaf: DeviceLeaf, payload: Buffer) => void): () => void;
  /** Starts the panel's broker connection (the agent is already listening). */
  connect(): void;
  /** The hub's admin API; a string body goes as it is (`contentType`, default JSON), anything else as JSON. */
  hubApi(method: string, path: string, body?: unknown, contentType?: string): Promise<Response>;
  /** The panel's local API (loopback). */
  panelApi(method: string, path: string): Promise<Response>;
  stop(): Promise<void>;
}

export async function startSyncLab(options: {
  building: HubBuildingSize;
  /** More rows for the hub's database, written after the building and before the hub starts. */
  seed?: (store: HubStore) => void;
}): Promise<SyncLab> {
  const dir = mkdtempSync(join(tmpdir(), 'portvakt-bench-sync-'));
  const hubDir = join(dir, 'hub');
  mkdirSync(hubDir);
  const cleanups: Array<() => unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const hubStore = openHubStore(join(hubDir, 'hub.db'), { clock: new SystemClock(), logger: silentLogger });
    seedHubBuilding(hubStore, options.building);
    options.seed?.(hubStore);
    hubStore.close();
    const keys = await loadOrCreateKeys(hubDir, silentLogger);

    const broker: MosquittoHandle = await startMosquitto({
      users: { [BENCH_PANEL_ID]: PANEL_PASSWORD, hub: HUB_PASSWORD },
    });
    cleanups.push(() => broker.stop());
    const brokerUrl = `mqtt://127.0.0.1:${broker.port}`;
    const hub = await spawnHub(hubDir, brokerUrl);
    cleanups.push(() => hub.stop());

    const full = validateConfig({
      ...demoConfig({
        storePath: join(dir, 'panel.db'),
        port: 0,
        installerToken: 'bench-installer-token-00000',
      }),
      sync: { brokerUrl, password: PANEL_PASSWORD, hubPublicKey: keys.publicKeyText },
    });
    const { sync, ...rest } = full;
    if (!sync) throw new Error('sync config missing');
    // Without `sync` the Panel starts no agent of its own; the one below is wired like sync-module.ts.
    const config = rest as PanelConfig;
    const panel = new Panel({ config, logger: silentLogger });
    await panel.start();
    cleanups.push(() => panel.stop());
    const clock = new SystemClock();
    const store = panel.store!;
    const audit = panel.audit!;
    const outbox = new StoreOutbox({
      sync: store.sync,
      audit,
      bus: panel.bus,
      logger: silentLogger,
      maxRows: sync.outboxMaxRows,
      retainAckedRows: sync.outboxRetainAckedRows,
    });
    const link = new MqttLink({
      deviceId: config.panel.id,
      brokerUrl,
      username: config.panel.id,
      password: PANEL_PASSWORD,
      sessionExpiryS: sync.sessionExpiryS,
      clock,
      logger: silentLogger,
    });
    const replica = new ObservedReplica(store, audit, silentLogger);
    const agent = new SyncAgent({
      deviceId: config.panel.id,
      link,
      replica,
      outbox,
      // No doors in the lab: a door.open is refused as unknown, before anything is recorded.
      target: new PanelCommandTarget({
        opener: new DoorOpener({ doors: { get: () => undefined }, audit, logger: silentLogger }),
        audit,
        logger: silentLogger,
      }),
      nonces: new SqliteNonceStore(store.sync),
      trustedKeys: await TrustedKeys.open(
        keys.publicKeyText,
        new StoreHubKeys(store.sync, keys.publicKeyText),
        silentLogger,
      ),
      clock,
      logger: silentLogger,
      onProtocolError: (e) => audit.append(protocolErrorEvent(e)),
      backlogEventsPerS: sync.backlogEventsPerS,
    });
    agent.start();
    cleanups.push(async () => {
      agent.stop();
      await link.stop();
      outbox.close();
    });
    return {
      panel,
      config,
      sync,
      replica,
      outbox,
      link,
      // Registered after agent.start(), so SafeEmitter runs it after the agent's own handler.
      onHandled: (listener) => link.events.on('message', ({ leaf, payload }) => listener(leaf, payload)),
      connect: () => link.start(),
      hubApi: (method, path, body, contentType = 'application/json') =>
        fetch(`http://127.0.0.1:${hub.port}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            ...(body === undefined ? {} : { 'content-type': contentType }),
          },
          ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
        }),
      panelApi: (method, path) => {
        const { port } = panel.apiAddress();
        return fetch(`http://127.0.0.1:${port}${path}`, { method });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function spawnHub(
  dataDir: string,
  brokerUrl: string,
): Promise<{ port: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      HUB_CLI,
      'serve',
      ...['--data-dir', dataDir, '--broker-url', brokerUrl, '--broker-username', 'hub'],
      ...['--client-id', 'hub', '--http-port', '0', '--log-level', 'info'],
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORTVAKT_HUB_ADMIN_TOKEN: ADMIN_TOKEN,
        PORTVAKT_HUB_BROKER_PASSWORD: HUB_PASSWORD,
      },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub not started in 30 s:\n${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out = (out + d.toString()).slice(-20_000);
      const started = /"api":\{"host":"[^"]*","port":(\d+)\}.*"msg":"hub started"/.exec(out);
      if (started) {
        clearTimeout(timer);
        resolve(Number(started[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`hub exited ${code}:\n${out}`)));
  });
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** `promise`, or a rejection after `timeoutMs` (the timer is cleared, so it does not hold the process). */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
