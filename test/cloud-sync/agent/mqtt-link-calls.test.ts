/**
 * The panel subscribes to the call topics of the app devices in its call and to nobody else's, so the
 * broker (Mosquitto with the product ACL and dynamic security, as shipped) drops what any other resident's
 * login sends. Also what an older version or a crashed predecessor left in the persistent session.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttLink } from '../../../cloud-sync/agent/mqtt-link.ts';
import { callTopic, panelCallFilter } from '../../../cloud-sync/protocol/calls.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { MosquittoHandle } from '../../../scripts/lab/mosquitto.ts';
import { admitAppDevices } from '../../../scripts/lab/mosquitto-app-devices.ts';
import { until } from '../../../scripts/lab/until.ts';
import { HUB_PASSWORD, PANEL_PASSWORD, startBroker } from './broker.ts';

const DEVICE = 'calls-panel';
const DEVICES = ['app-anna', 'app-mallory'] as const;
const password = (id: string) => `${id}-password-0123456789`;

function recordingLogger(lines: string[]): Logger {
  const rec = (_obj: object | string, msg?: string) => void lines.push(msg ?? '');
  const logger: Logger = { debug: rec, info: rec, warn: rec, error: rec, child: () => logger };
  return logger;
}

describe('MqttLink call subscriptions against Mosquitto', () => {
  let broker: MosquittoHandle | undefined;
  let link: MqttLink | undefined;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    await link?.stop();
    for (const c of clients.splice(0)) await c.endAsync(true);
    await broker?.stop();
  });

  async function world() {
    broker = await startBroker(DEVICE);
    await admitAppDevices(
      broker.port,
      HUB_PASSWORD,
      DEVICES.map((id) => ({ id, password: password(id), panelIds: [DEVICE] })),
    );
    const port = broker.port;
    const app = async (id: string) => {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
        protocolVersion: 5,
        clientId: id,
        username: id,
        password: password(id),
        reconnectPeriod: 0,
      });
      clients.push(c);
      // QoS 1: resolved once the broker has routed it (to the panel, or to nobody).
      return (n: number) =>
        Promise.all(
          Array.from({ length: n }, (_, i) =>
            c.publishAsync(callTopic(DEVICE, 'from', id), JSON.stringify({ n: i }), { qos: 1 }),
          ),
        );
    };
    const lines: string[] = [];
    const received: string[] = [];
    const start = () => {
      link = new MqttLink({
        deviceId: DEVICE,
        brokerUrl: `mqtt://127.0.0.1:${port}`,
        username: DEVICE,
        password: PANEL_PASSWORD,
        sessionExpiryS: 3600,
        clock: new FakeClock(),
        logger: recordingLogger(lines),
      });
      link.calls.events.on('message', ({ appDeviceId }) => void received.push(appDeviceId));
      link.start();
      return until(() => link!.isUp(), 'link up');
    };
    const strays = () => lines.filter((l) => /not in the call; unsubscribed/.test(l)).length;
    /** A message from Anna, listened to, arrives after everything sent before it on the broker. */
    const fence = async (sendAnna: (n: number) => Promise<unknown>) => {
      const before = received.filter((d) => d === 'app-anna').length;
      await sendAnna(1);
      await until(() => received.filter((d) => d === 'app-anna').length > before, "Anna's fence message");
    };
    return { port, app, start, received, strays, fence };
  }

  /** Connects as the panel's own login and leaves subscriptions in its persistent session. */
  async function leaveInSession(port: number, filters: string[]) {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, {
      protocolVersion: 5,
      clientId: DEVICE,
      username: DEVICE,
      password: PANEL_PASSWORD,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
      reconnectPeriod: 0,
    });
    await c.subscribeAsync(filters, { qos: 1 });
    await c.endAsync();
  }

  it('takes messages of the devices it listens to; the broker drops everyone else', async () => {
    const w = await world();
    await w.start();
    const anna = await w.app('app-anna');
    const mallory = await w.app('app-mallory');
    await link!.calls.listenTo(new Set(['app-anna']));
    await mallory(200);
    await anna(3);
    await until(() => w.received.length === 3, "Anna's 3 messages");
    // Nothing from Mallory reached the panel's socket: no stray to unsubscribe, nothing delivered.
    expect(new Set(w.received)).toEqual(new Set(['app-anna']));
    expect(w.strays()).toBe(0);

    // The call ends: Anna is not listened to any more either.
    await link!.calls.listenTo(new Set());
    await anna(5);
    await link!.calls.listenTo(new Set(['app-anna']));
    await w.fence(anna);
    expect(w.received).toEqual(['app-anna', 'app-anna', 'app-anna', 'app-anna']);
    expect(w.strays()).toBe(0);
  }, 30_000);

  it('keeps listening across a reconnect, and drops the wildcard an older version left in the session', async () => {
    const w = await world();
    await leaveInSession(w.port, [panelCallFilter(DEVICE)]);
    await w.start();
    await link!.calls.listenTo(new Set(['app-anna']));
    const anna = await w.app('app-anna');
    const mallory = await w.app('app-mallory');
    await mallory(50);
    await w.fence(anna);
    expect(w.received).toEqual(['app-anna']);
    expect(w.strays()).toBe(0);
  }, 30_000);

  it("unsubscribes a device a crashed predecessor left subscribed, at that device's first message", async () => {
    const w = await world();
    await leaveInSession(w.port, [callTopic(DEVICE, 'from', 'app-mallory')]);
    await w.start();
    await link!.calls.listenTo(new Set(['app-anna']));
    const anna = await w.app('app-anna');
    const mallory = await w.app('app-mallory');
    await mallory(20);
    await w.fence(anna);
    expect(w.received).toEqual(['app-anna']);
    expect(w.strays()).toBe(1);
    // Unsubscribed at the broker: after a restart (which forgets the strays it saw), its messages go nowhere.
    await link!.stop();
    await w.start();
    await link!.calls.listenTo(new Set(['app-anna']));
    await mallory(20);
    await w.fence(anna);
    expect(w.received).toEqual(['app-anna', 'app-anna']);
    expect(w.strays()).toBe(1);
  }, 30_000);
});
