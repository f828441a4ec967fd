/** What the admin API needs from the hub; the composition root (main.ts) provides it. */
import type { Clock } from '../../../hal/clock/clock.ts';
import type { InboxStats } from '../mqtt/inbox.ts';
import type { DoorOpener } from '../signer/door-opener.ts';
import type { HubStore } from '../store/hub-store.ts';

export interface HubApiContext {
  store: HubStore;
  opener: DoorOpener;
  clock: Clock;
  adminToken: string;
  mqttConnected(): boolean;
  inboxStats(): InboxStats;
}
