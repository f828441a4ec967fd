/**
 * `npm start`: the whole system on one machine — an embedded MQTT broker (aedes, in this process), the
 * hub (its own process and database) and the panel (its own process, simulated GPIO and readers). The
 * demo building is loaded through the hub's admin API and reaches the panel over MQTT, as in production.
 * With Kamailio installed, the SIP edge of the phone fallback too (sip.ts): the hub writes its database and
 * provisions the panel's SIP account. Every start is fresh: the simulator's data dir is reset. Ctrl-C
 * stops the panel first (relays locked), then the hub, the SIP edge, then the broker. A hub that crashes
 * is restarted with a backoff (supervisor.ts); only the panel's exit ends the simulator.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml, stringify } from 'yaml';
import { EmbeddedBroker } from '../../cloud-sync/broker/embedded-broker.ts';
import { hubAppDeviceAcl, hubAppDeviceAuth, hubPanelAuth } from '../../cloud-sync/broker/hub-auth.ts';
import { validateConfig } from '../../device/config/load.ts';
import type { PanelConfigInput } from '../../device/config/schema.ts';
import { demoBuilding } from '../../device/sim/demo-building.ts';
import { demoConfig } from '../../device/sim/demo-config.ts';
import { errorMessage } from '../../lib/errors.ts';
import { createRootLogger } from '../../lib/log/logger.ts';
import { freePort } from '../lab/free-port.ts';
import { shippedPanelEnv } from '../shipped-panel-env.ts';
import { type Child, startChild } from './children.ts';
import { hubAdmin, seedDemoBuilding } from './demo-seed.ts';
import { printBanner } from './sim-banner.ts';
import { phoneBannerLines, type SimSip, startSimSip } from './sip.ts';
import { panelInSync, provision, signal, waitFor } from './steps.ts';
import { superviseChild } from './supervisor.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HUB_CLI = join(ROOT, 'cloud-sync/hub/cli.ts');
// The panel as it ships: its launcher sets the panel's Node flags and runs the bundle (the sources
// from a checkout without a build).
const PANEL_CLI = join(ROOT, 'bin/portvakt.js');
const PANEL_ID = 'demo-panel';
const HUB_USER = 'hub';
/** The demo resident whose app login the banner prints (Anna, with the demo's first card). */
const DEMO_RESIDENT = 'resident-01';
const MARKER = '.portvakt-sim';
type PhoneInput = NonNullable<NonNullable<PanelConfigInput['intercom']>['phone']>;

const HELP = `npm start [-- options]   the panel simulator with its hub and an embedded MQTT broker

  --data-dir DIR     simulator data (reset at every start; default ./var/sim)
  --port N           panel local API port (default 8080; 0: a free one)
  --hub-port N       hub admin API port (default 8090; 0: a free one)
  --broker-port N    embedded MQTT broker port (default 0: a free one)
  --broker-ws-port N its MQTT-over-WebSocket port for the resident app (default 0: a free one)
  --codec vp8|h264   the simulated camera's video codec (default vp8)
  --verbose          show every log line of the hub and the panel

With Kamailio installed (Debian package kamailio) it also runs the SIP edge of the phone fallback: the
banner names the bell of a resident with no app, only a phone; \`npm run -s phone\` (another terminal)
is that phone.
`;

async function main(): Promise<number> {
  const args = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'hub-port': { type: 'string' },
      'broker-port': { type: 'string' },
      'broker-ws-port': { type: 'string' },
      codec: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const ports = {
    panel: portArg(args.port, 8080, '--port') || (await freePort()),
    hub: portArg(args['hub-port'], 8090, '--hub-port') || (await freePort()),
    broker: portArg(args['broker-port'], 0, '--broker-port'),
    brokerWs: portArg(args['broker-ws-port'], 0, '--broker-ws-port'),
  };
  const verbose = Boolean(args.verbose);
  const codec = args.codec ?? 'vp8';
  if (codec !== 'vp8' && codec !== 'h264') throw new Error(`--codec must be vp8 or h264 (got "${codec}")`);
  const dataDir = freshDataDir(resolve(args['data-dir'] ?? 'var/sim'));
  const secret = (): string => randomBytes(18).toString('base64url');
  const adminToken = secret();
  const installerToken = secret();
  const users: Record<string, string> = { [HUB_USER]: secret() };
  // The broker asks the hub about residents' app devices (random credentials made at each app login).
  const brokerAuthSecret = secret();
  const hubBase = `http://127.0.0.1:${ports.hub}`;

  const logger = createRootLogger({ level: verbose ? 'info' : 'warn' }).child({ module: 'sim-broker' });
  const broker = new EmbeddedBroker({
    host: '127.0.0.1',
    port: ports.broker,
    users,
    hubUser: HUB_USER,
    websocket: { host: '127.0.0.1', port: ports.brokerWs },
    appDeviceAuth: hubAppDeviceAuth(hubBase, brokerAuthSecret),
    appDeviceAcl: hubAppDeviceAcl(hubBase, brokerAuthSecret),
    // Panels paired through the hub (a second panel with a `pairing` section) log in the same way.
    panelAuth: hubPanelAuth(hubBase, brokerAuthSecret),
    logger,
  });
  await broker.start();
  const brokerUrl = broker.url();
  const children: Child[] = [];
  let sip: SimSip = { on: false, reason: 'not started' };
  let stopping = false;
  let hubSupervisor: { standDown(): void } | undefined;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    hubSupervisor?.standDown();
    // Panel first: it locks its doors while it can still report that.
    for (const child of children.reverse()) await child.stop();
    if (sip.on) await sip.edge.stop();
    await broker.stop();
  };

  try {
    sip = await startSimSip(dataDir, demoBuilding().buildings?.[0]?.name ?? 'the demo building');
    if (sip.on) {
      const { edge } = sip;
      void edge.exited.then(() => {
        if (!stopping)
          process.stderr.write(
            `[sip-edge] Kamailio exited: no phone fallback now\n${edge.output().slice(-2000)}\n`,
          );
      });
    }
    const sipFlags = sip.on ? sip.hubFlags : [];
    // Supervised: a crashed hub is restarted (and says so); the panel keeps running meanwhile.
    const hub = superviseChild({
      name: 'hub',
      verbose,
      args: [
        HUB_CLI,
        'serve',
        '--data-dir',
        join(dataDir, 'hub'),
        '--broker-url',
        brokerUrl,
        '--mqtt-version',
        '4',
        '--http-port',
        String(ports.hub),
        '--broker-ws-url',
        broker.wsUrl(),
        // Pairing: a panel started with `pairing.hubUrl` set to the hub API gets a code to claim.
        '--pairing-broker-url',
        brokerUrl,
        '--pairing-mqtt-version',
        '4',
        // The hub writes the edge's database (the panel's SIP account, its building's numbers).
        ...sipFlags,
      ],
      env: {
        PORTVAKT_HUB_ADMIN_TOKEN: adminToken,
        PORTVAKT_HUB_BROKER_AUTH_SECRET: brokerAuthSecret,
        PORTVAKT_HUB_BROKER_USERNAME: HUB_USER,
        PORTVAKT_HUB_BROKER_PASSWORD: users[HUB_USER],
      },
    });
    hubSupervisor = hub;
    children.push(hub);
    const admin = hubAdmin(hubBase, adminToken);
    await waitFor('the hub to connect to the broker', hub, async () => {
      const health = (await admin.get('/healthz')) as { mqttConnected?: boolean };
      return health.mqttConnected === true;
    });

    const provisioned = join(dataDir, 'provisioned');
    let installerPin = '';
    const { buildingId } = await seedDemoBuilding(admin, PANEL_ID, async (buildingId) => {
      ({ installerPin } = await provision({
        hubCli: HUB_CLI,
        panelId: PANEL_ID,
        hubDataDir: join(dataDir, 'hub'),
        buildingId,
        brokerUrl,
        out: provisioned,
        extraArgs: sipFlags,
      }));
    });
    const kit = parseYaml(readFileSync(join(provisioned, 'panel.yaml'), 'utf8')) as {
      api: { installerPinHash: string };
      sync: Record<string, unknown> & { password: string };
      intercom?: { phone?: PhoneInput };
    };
    const provisionedSync = kit.sync;
    users[PANEL_ID] = provisionedSync.password;
    const residentLogin = (await admin.post(`/api/v1/residents/${DEMO_RESIDENT}/login`, undefined)) as {
      residentId: string;
      password: string;
    };
    // A building administrator for WebAdmin; the password is random per start, shown only in the banner.
    const webAdmin = { username: 'demo-admin', password: randomBytes(12).toString('base64url') };
    await admin.post('/api/v1/admin/accounts', {
      ...webAdmin,
      displayName: 'Demo administrator',
      role: 'building_admin',
      buildingIds: [buildingId],
    });

    const demo = demoConfig({
      storePath: join(dataDir, 'panel', 'panel.db'),
      port: ports.panel,
      installerToken,
      installerPinHash: kit.api.installerPinHash,
      codec,
    });
    const configInput: PanelConfigInput = {
      ...demo,
      // The SIP account `provision` issued (the phone fallback), as an installer would paste it.
      ...(kit.intercom?.phone ? { intercom: { ...demo.intercom, phone: kit.intercom.phone } } : {}),
      // aedes speaks MQTT 3.1.1 only; production brokers use 5.
      sync: { ...provisionedSync, mqttVersion: 4 } as PanelConfigInput['sync'],
    };
    const config = validateConfig(configInput, 'simulator config');
    const configPath = join(dataDir, 'panel', 'panel.yaml');
    mkdirSync(join(dataDir, 'panel'), { recursive: true, mode: 0o700 });
    writeFileSync(configPath, stringify(configInput), { mode: 0o600 });
    const panel = startChild({
      name: 'panel',
      verbose,
      args: [PANEL_CLI, '--config', configPath],
      env: shippedPanelEnv(),
    });
    children.push(panel);
    await waitFor('the panel to enforce the config the hub published', panel, () =>
      panelInSync(admin, PANEL_ID),
    );

    printBanner({
      config,
      panelPort: ports.panel,
      installerToken,
      installerPin,
      hubBase,
      adminToken,
      brokerUrl,
      brokerWsUrl: broker.wsUrl(),
      panelId: PANEL_ID,
      residentLogin,
      webAdmin,
      phoneLines: phoneBannerLines(sip, `http://127.0.0.1:${ports.panel}`),
    });
    const stoppedBy = await Promise.race([
      signal(),
      ...children.map((c) => c.exited.then((code) => `${c.name} exited (${code}):\n${c.tail()}`)),
    ]);
    if (!stoppedBy.startsWith('SIG')) process.stderr.write(`portvakt simulator: ${stoppedBy}\n`);
    await stopAll();
    return stoppedBy.startsWith('SIG') ? 0 : 1;
  } catch (err) {
    process.stderr.write(`portvakt simulator: ${errorMessage(err)}\n`);
    await stopAll();
    return 1;
  }
}

function portArg(value: string | undefined, fallback: number, flag: string): number {
  const port = Number(value ?? fallback);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} must be 0-65535`);
  return port;
}

/** Resets the simulator's data dir; refuses a non-empty directory the simulator did not create. */
function freshDataDir(dir: string): string {
  if (existsSync(dir) && !existsSync(join(dir, MARKER)) && readdirSync(dir).length > 0)
    throw new Error(`${dir} exists and is not a simulator data dir (no ${MARKER}); pick another --data-dir`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, MARKER), 'portvakt simulator data: reset at every `npm start`\n');
  return dir;
}

process.exitCode = await main().catch((err: unknown) => {
  process.stderr.write(`portvakt simulator: ${errorMessage(err)}\n`);
  return 2;
});
