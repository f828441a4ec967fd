/**
 * The sync side of an in-process bench panel, without the hub: the EmbeddedBroker with the product ACL,
 * logins for the panel and for a fixed list of app devices (the broker's appDeviceAuth port, which the
 * hub answers in production), and a stand-in hub that acks the panel's events as the hub does once it
 * has stored them. Unacked, the panel's event stream would resend its backlog at every ack timeout —
 * on a FakeClock that runs a second per tap, every 30 taps.
 */
import mqtt from 'mqtt';
import { EmbeddedBroker } from '../../cloud-sync/broker/embedded-broker.ts';
import { exportPublicKey, generateSigningKeys } from '../../cloud-sync/protocol/signing.ts';
import type { PanelConfigInput } from '../../device/config/schema.ts';
import { silentLogger } from '../../lib/log/logger.ts';
import { ackEventsAsHub } from './stand-in-hub.ts';

const PANEL_PASSWORD = 'bench-panel-password-0123456789';
const HUB_USER = 'hub';
const HUB_PASSWORD = 'bench-hub-password-0123456789';

export interface PanelBroker {
  url: string;
  /** The panel's `sync` section for this broker. */
  sync: NonNullable<PanelConfigInput['sync']>;
  /** Whether the panel has reported itself online (its call signaling is up from then on). */
  isOnline(): boolean;
  stop(): Promise<void>;
}

export async function startPanelBroker(
  panelId: string,
  appDevices: readonly { id: string; password: string }[],
): Promise<PanelBroker> {
  const passwords = new Map(appDevices.map((d) => [d.id, d.password]));
  const broker = new EmbeddedBroker({
    users: { [panelId]: PANEL_PASSWORD, [HUB_USER]: HUB_PASSWORD },
    hubUser: HUB_USER,
    appDeviceAuth: async (username, password) => passwords.get(username) === password,
    logger: silentLogger,
  });
  await broker.start();
  const hub = await mqtt
    .connectAsync(broker.url(), {
      username: HUB_USER,
      password: HUB_PASSWORD,
      clientId: 'bench-hub',
      protocolVersion: 4,
    })
    .catch(async (err: unknown) => {
      await broker.stop();
      throw err;
    });
  const { online } = await ackEventsAsHub(hub, panelId);
  const { publicKey } = await generateSigningKeys();
  return {
    url: broker.url(),
    sync: {
      brokerUrl: broker.url(),
      password: PANEL_PASSWORD,
      // Commands are not part of these benches: any valid key will do.
      hubPublicKey: await exportPublicKey(publicKey),
      // aedes speaks MQTT 3.1.1 only.
      mqttVersion: 4,
    },
    isOnline: online,
    stop: async () => {
      await hub.endAsync(true);
      await broker.stop();
    },
  };
}
