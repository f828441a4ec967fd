/** What the admin API needs from the hub; the composition root (main.ts) provides it. */
import type { Registry } from 'prom-client';
import type { Clock } from '../../../lib/clock/clock.ts';
import type { ObservedRequest } from '../../../lib/http/json-server.ts';
import type { AdminLogins } from '../accounts/admin-login.ts';
import type { ConfigPublisher } from '../config/publisher.ts';
import type { InboxStats } from '../mqtt/inbox.ts';
import type { Pairing } from '../pairing/pairing.ts';
import type { ResidentAccounts } from '../residents/accounts.ts';
import type { TurnSettings } from '../residents/turn-credentials.ts';
import type { HubSettings } from '../settings.ts';
import type { DoorOpener } from '../signer/door-opener.ts';
import type { KeyRotation } from '../signer/rotation.ts';
import type { UpdateSender } from '../signer/update-sender.ts';
import type { SipEdgeAddress } from '../sip/panel-account.ts';
import type { HubStore } from '../store/hub-store.ts';

/**
 * The settings the routes use (settings.ts): the admin token; the broker's credential for the HTTP auth
 * backend (unset: the backend is off); the built resident web app, served at /app/, and WebAdmin at /admin/; the reverse proxies
 * whose X-Forwarded-For names the client (client-address.ts).
 */
type ApiSettings = Pick<HubSettings, 'adminToken'> &
  Pick<HubSettings['residentApp'], 'brokerAuthSecret' | 'webDir' | 'trustedProxies'> & {
    /** The built WebAdmin app, served at /admin/ (settings webAdmin.webDir). */
    adminWebDir?: string | undefined;
    /** TURN for app devices (settings turn); unset: app devices get no ICE servers. */
    turn?: TurnSettings | undefined;
  };

/** Admits a new app device at the broker (Mosquitto's dynamic security); unset: the broker asks the hub. */
export interface AppDeviceAdmission {
  admit(appDeviceId: string, password: string, panelIds: readonly string[]): Promise<void>;
}

/** Panels' SIP accounts as the routes use them (sip-routes.ts); absent: the hub has no `sip` settings. */
export interface SipAccountsPort {
  edge: SipEdgeAddress;
  /** The building's panels' accounts changed: write them to the edge database (after the commit). */
  changed(buildingId: string): void;
}

export interface HubApiContext extends ApiSettings {
  store: HubStore;
  opener: DoorOpener;
  /** Starts software updates on panels (settings releases); unset: POST …/update answers why not. */
  updates?: UpdateSender | undefined;
  /** Config versions an admin change produced, waiting for panels to apply them, epoch recovery. */
  publisher: Pick<ConfigPublisher, 'track' | 'reports' | 'bumpEpoch' | 'residentRowChanged'>;
  rotation: KeyRotation;
  residents: ResidentAccounts;
  /** Administrator logins and sessions (WebAdmin); the operator token works beside them. */
  logins: AdminLogins;
  appDeviceAdmission?: AppDeviceAdmission | undefined;
  /** Panels' SIP accounts (phone fallback); unset without a SIP edge in the settings. */
  sip?: SipAccountsPort | undefined;
  /** Pairing new panels by a code (settings pairing); unset: its routes answer 404. */
  pairing?: Pairing | undefined;
  clock: Clock;
  mqttConnected(): boolean;
  inboxStats(): InboxStats;
  /** Prometheus /metrics (settings metrics); unset: no such route. */
  metrics?: { registry: Registry; token: string; observe: (request: ObservedRequest) => void } | undefined;
}
