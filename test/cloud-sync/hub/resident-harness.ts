/**
 * A hub with the resident app turned on (broker WebSocket URL, broker auth secret, a web dir), on the
 * aedes test broker of hub-harness.ts, plus small helpers to log residents in through the real API.
 */
import { randomBytes } from 'node:crypto';
import { Hub } from '../../../cloud-sync/hub/main.ts';
import type { LoginLimits } from '../../../cloud-sync/hub/residents/login-limiter.ts';
import type { ResidentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { ADMIN_TOKEN, AUTH, type api, tempDir } from './hub-harness.ts';

export const BROKER_SECRET = 'broker-secret-0123456789';
export const WS_URL = 'ws://127.0.0.1:9/mqtt';

export interface ResidentHubOptions {
  brokerUrl: string;
  brokerWsUrl?: string;
  webDir?: string;
  loginLimits?: LoginLimits;
}

export async function startResidentHub(o: ResidentHubOptions): Promise<Hub> {
  const hub = new Hub({
    dataDir: tempDir(),
    mqtt: {
      url: o.brokerUrl,
      clientId: 'hub',
      username: 'hub',
      password: HUB_BROKER_PASSWORD,
      protocolVersion: 4,
      sessionExpiryS: 3600,
      backoff: { initialMs: 50, maxMs: 500 },
    },
    http: { host: '127.0.0.1', port: 0 },
    adminToken: ADMIN_TOKEN,
    recompileIntervalMs: 0,
    residentApp: {
      brokerWsUrl: o.brokerWsUrl ?? WS_URL,
      brokerAuthSecret: BROKER_SECRET,
      webDir: o.webDir ?? tempDir(),
      ...(o.loginLimits ? { loginLimits: o.loginLimits } : {}),
    },
    logger: silentLogger,
  });
  await hub.start();
  await until(() => hub.mqttConnected, 'hub connected');
  return hub;
}

/** The hub's broker password where a test broker checks logins (the aedes harness broker does not). */
export const HUB_BROKER_PASSWORD = randomBytes(18).toString('base64url');

export type Call = ReturnType<typeof api>;

export const bearer = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});

/** Sets the resident's password with the admin API and logs in with it. */
export async function loginResident(
  call: Call,
  residentId: string,
  deviceName = 'Phone',
): Promise<ResidentLoginReply & { loginPassword: string }> {
  const set = await call('POST', `/api/v1/residents/${residentId}/login`, undefined, AUTH);
  if (set.status !== 201) throw new Error(`set login: ${set.status} ${JSON.stringify(set.body)}`);
  const res = await call(
    'POST',
    '/api/v1/resident/login',
    { residentId, password: set.body.password, deviceName },
    { 'content-type': 'application/json' },
  );
  if (res.status !== 201) throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, loginPassword: set.body.password };
}
