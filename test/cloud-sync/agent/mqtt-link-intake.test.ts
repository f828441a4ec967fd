/**
 * A burst on the call topic must not hold the panel's event loop: mqtt.js handles all packets of a socket
 * read in one chain of nextTicks (unsliced, 800-1000 junk messages ran in one turn here), and the link
 * hands packets over in slices, so a timer (the relock of a door) or a reader event runs between slices.
 */
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttLink } from '../../../cloud-sync/agent/mqtt-link.ts';
import { callTopic } from '../../../cloud-sync/protocol/calls.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import type { MosquittoHandle } from '../../../scripts/lab/mosquitto.ts';
import { admitAppDevices } from '../../../scripts/lab/mosquitto-app-devices.ts';
import { until } from '../../../scripts/lab/until.ts';
import { HUB_PASSWORD, PANEL_PASSWORD, startBroker } from './broker.ts';

const DEVICE = 'intake-panel';
const BURST = 3000;
const FLOODER = 'app-flooder';
const FLOODER_PASSWORD = 'flooder-password-0123456789';

describe('MqttLink intake under a burst of call messages', () => {
  let broker: MosquittoHandle | undefined;
  let link: MqttLink | undefined;
  afterEach(async () => {
    await link?.stop();
    await broker?.stop();
  });

  it('hands a burst over a slice per event-loop turn, so timers and I/O run in between', async () => {
    broker = await startBroker(DEVICE);
    // The flooder is an ordinary resident's app device, admitted as the hub admits one.
    await admitAppDevices(broker.port, HUB_PASSWORD, [
      { id: FLOODER, password: FLOODER_PASSWORD, panelIds: [DEVICE] },
    ]);
    const flooder = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, {
      protocolVersion: 5,
      clientId: FLOODER,
      username: FLOODER,
      password: FLOODER_PASSWORD,
      reconnectPeriod: 0,
    });
    link = new MqttLink({
      deviceId: DEVICE,
      brokerUrl: `mqtt://127.0.0.1:${broker.port}`,
      username: DEVICE,
      password: PANEL_PASSWORD,
      sessionExpiryS: 3600,
      clock: new FakeClock(),
      logger: silentLogger,
    });
    // Counts event-loop turns: one tick per check phase, as long as the test runs.
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    tick();
    const perTurn = new Map<number, number>();
    let received = 0;
    link.calls.events.on('message', () => {
      received++;
      perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    });
    link.start();
    await until(() => link!.isUp(), 'link up');
    // The panel listens to the devices in its call: here the flooder is one of them.
    await link.calls.listenTo(new Set([FLOODER]));
    const topic = callTopic(DEVICE, 'from', FLOODER);
    // Published in one synchronous loop: they reach the panel back to back, as a flood does.
    for (let i = 0; i < BURST; i++) flooder.publish(topic, '{}', { qos: 0 });
    await until(() => received === BURST, `all ${BURST} messages`, 20_000);
    ticking = false;
    await flooder.endAsync(true);
    // A slice is at most 64 messages; unsliced, a turn handled a whole socket read (hundreds).
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(2 * 64);
  }, 30_000);
});
