/**
 * The hub in-process, as every hub test runs it: the aedes unit tests (hub-harness.ts), the resident app
 * (resident-harness.ts), the Mosquitto lab (e2e/sync) and the browser world (e2e/resident-app) all start it
 * here, so the Hub's options are written once, and all talk to its admin API with one client.
 */
import { totpCode } from '../../cloud-sync/hub/accounts/totp.ts';
import { Hub } from '../../cloud-sync/hub/main.ts';
import {
  type AppDeviceRevoker,
  LoggingAppDeviceRevoker,
} from '../../cloud-sync/hub/residents/app-device-revoker.ts';
import { type HubSettingsInput, parseHubSettings } from '../../cloud-sync/hub/settings.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { until } from '../../scripts/lab/until.ts';
import { api, type Reply } from './http.ts';
import { tempDir } from './temp-dir.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Headers of a JSON request with a bearer token. */
export const bearer = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

/** The administrator's headers. */
export const AUTH = bearer(ADMIN_TOKEN);

export interface TestHubOptions {
  brokerUrl: string;
  /** 4 on aedes and the embedded broker (MQTT 3.1.1 only), 5 on Mosquitto. */
  protocolVersion: 4 | 5;
  /** A unique one by default, so that a restarted or second hub never takes over another's session. */
  clientId?: string;
  /** The hub's broker login, where the broker checks one. */
  username?: string;
  password?: string;
  /** Holds hub.db and the signing key; a fresh temp dir by default. */
  dataDir?: string;
  residentApp?: HubSettingsInput['residentApp'];
  /** The SIP edge of the phone fallback (default: none). */
  sip?: HubSettingsInput['sip'];
  /** TURN for app devices (settings turn). */
  turn?: HubSettingsInput['turn'];
  /** Pairing new panels by a code (settings pairing; default: off). */
  pairing?: HubSettingsInput['pairing'];
  /** Software updates: release keyring and bundle server (settings releases; default: off). */
  releases?: HubSettingsInput['releases'];
  /** Where the built WebAdmin is (default: the checkout's dist/web/admin). */
  adminWebDir?: string;
  /** The check for changes by the CLI or other workers (default here: off, 0). */
  recompileIntervalMs?: number;
  /** Prometheus /metrics (settings metrics; default: off). */
  metrics?: HubSettingsInput['metrics'];
  /** A FakeClock for tests of the hub's own timers (the recompile after a change). */
  clock?: Clock;
  /**
   * What cuts ended resident sessions' broker connections (HubDeps.appDeviceRevoker). Default: only
   * logged, since most hub tests run on plain aedes, which answers no `deleteClient`; 'broker' is the
   * product's own (Mosquitto's dynamic security or the embedded broker).
   */
  appDeviceRevoker?: AppDeviceRevoker | 'broker';
}

/** Starts a hub on a loopback HTTP port and resolves once it is connected to its broker. */
export async function startTestHub(o: TestHubOptions): Promise<Hub> {
  const settings = parseHubSettings({
    dataDir: o.dataDir ?? tempDir('portvakt-hub-'),
    mqtt: {
      url: o.brokerUrl,
      clientId: o.clientId ?? `hub-${Math.random().toString(16).slice(2)}`,
      ...(o.username === undefined ? {} : { username: o.username, password: o.password }),
      protocolVersion: o.protocolVersion,
      sessionExpiryS: 3600,
      // Short, so that a test that restarts the broker does not wait for the production backoff.
      backoff: { initialMs: 50, maxMs: 500 },
    },
    http: { host: '127.0.0.1', port: 0 },
    adminToken: ADMIN_TOKEN,
    // Off: tests publish through the API or the store, which compiles at once; the periodic pass would
    // only add publishes at times the test does not control.
    recompileIntervalMs: o.recompileIntervalMs ?? 0,
    ...(o.residentApp ? { residentApp: o.residentApp } : {}),
    ...(o.sip ? { sip: o.sip } : {}),
    ...(o.turn ? { turn: o.turn } : {}),
    ...(o.pairing ? { pairing: o.pairing } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...(o.releases ? { releases: o.releases } : {}),
    ...(o.adminWebDir ? { webAdmin: { webDir: o.adminWebDir } } : {}),
  });
  const hub = new Hub(settings, {
    logger: silentLogger,
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.appDeviceRevoker === 'broker'
      ? {}
      : { appDeviceRevoker: o.appDeviceRevoker ?? new LoggingAppDeviceRevoker(silentLogger) }),
  });
  await hub.start();
  await until(() => hub.mqttConnected, 'the hub to connect to its broker');
  return hub;
}

export type AdminApi = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

/** A client of the hub's HTTP API, as the administrator unless a call passes other headers. */
export function adminApi(hub: Hub): AdminApi {
  const base = `http://127.0.0.1:${hub.apiAddress().port}`;
  return (method, path, body, headers = AUTH) => api(base, method, path, body, headers);
}

/**
 * A building administrator created by the operator and logged in (password, then a TOTP code computed
 * on `clock`, enrolling at this first login): their session token.
 */
export async function buildingAdminSession(
  operator: AdminApi,
  clock: Clock,
  username: string,
  buildingIds: string[],
  password: string,
): Promise<string> {
  await operator('POST', '/api/v1/admin/accounts', {
    username,
    displayName: username,
    role: 'building_admin',
    password,
    buildingIds,
  });
  const json = { 'content-type': 'application/json' };
  const first = await operator('POST', '/api/v1/admin/login', { username, password }, json);
  const done = await operator(
    'POST',
    '/api/v1/admin/login/second-factor',
    { loginToken: first.body.loginToken, code: totpCode(first.body.secret, clock.now()) },
    json,
  );
  return done.body.sessionToken as string;
}
