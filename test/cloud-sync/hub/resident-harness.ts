/**
 * A hub with the resident app turned on (broker WebSocket URL, broker auth secret, a web dir), on the
 * aedes test broker of hub-harness.ts, plus small helpers to log residents in through the real API.
 */
import { randomBytes } from 'node:crypto';
import type { Hub } from '../../../cloud-sync/hub/main.ts';
import type { AppDeviceRevoker } from '../../../cloud-sync/hub/residents/app-device-revoker.ts';
import type { HubSettingsInput } from '../../../cloud-sync/hub/settings.ts';
import type { ResidentLoginReply } from '../../../cloud-sync/protocol/resident-api.ts';
import type { Clock } from '../../../lib/clock/clock.ts';
import { type AdminApi, AUTH, startTestHub } from '../../support/hub.ts';
import { tempDir } from '../../support/temp-dir.ts';

export const BROKER_SECRET = 'broker-secret-0123456789';
export const WS_URL = 'ws://127.0.0.1:9/mqtt';

export interface ResidentHubOptions {
  brokerUrl: string;
  brokerWsUrl?: string;
  webDir?: string;
  /** Resident app settings beyond the harness's own (login limits, rate limits, sessions, proxies). */
  residentApp?: Omit<
    NonNullable<HubSettingsInput['residentApp']>,
    'brokerWsUrl' | 'brokerAuthSecret' | 'webDir'
  >;
  clock?: Clock;
  appDeviceRevoker?: AppDeviceRevoker | 'broker';
  /** The SIP edge of the phone fallback (default: none). */
  sip?: HubSettingsInput['sip'];
  /** The check for changes by the CLI (default: off). */
  recompileIntervalMs?: number;
  dataDir?: string;
  turn?: HubSettingsInput['turn'];
}

export function startResidentHub(o: ResidentHubOptions): Promise<Hub> {
  return startTestHub({
    brokerUrl: o.brokerUrl,
    protocolVersion: 4,
    clientId: 'hub',
    username: 'hub',
    password: HUB_BROKER_PASSWORD,
    residentApp: {
      brokerWsUrl: o.brokerWsUrl ?? WS_URL,
      brokerAuthSecret: BROKER_SECRET,
      webDir: o.webDir ?? tempDir(),
      ...o.residentApp,
    },
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.appDeviceRevoker ? { appDeviceRevoker: o.appDeviceRevoker } : {}),
    ...(o.sip ? { sip: o.sip } : {}),
    ...(o.recompileIntervalMs === undefined ? {} : { recompileIntervalMs: o.recompileIntervalMs }),
    ...(o.dataDir === undefined ? {} : { dataDir: o.dataDir }),
    ...(o.turn ? { turn: o.turn } : {}),
  });
}

/** The hub's broker password where a test broker checks logins (the aedes harness broker does not). */
export const HUB_BROKER_PASSWORD = randomBytes(18).toString('base64url');

/** Sets the resident's password with the admin API and logs in with it (which ends earlier sessions). */
export async function loginResident(
  call: AdminApi,
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
