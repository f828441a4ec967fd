/** What the admin API needs from the hub; the composition root (main.ts) provides it. */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { InboxStats } from '../mqtt/inbox.ts';
import type { ResidentAccounts } from '../residents/accounts.ts';
import type { DoorOpener } from '../signer/door-opener.ts';
import type { HubStore } from '../store/hub-store.ts';

export interface HubApiContext {
  store: HubStore;
  opener: DoorOpener;
  residents: ResidentAccounts;
  clock: Clock;
  adminToken: string;
  /** The broker's credential for the HTTP auth backend; unset: the backend is off. */
  brokerAuthSecret?: string | undefined;
  /** The built resident web app, served at /app/. */
  webDir?: string | undefined;
  mqttConnected(): boolean;
  inboxStats(): InboxStats;
}
