import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker, topicAllowed } from '../../../cloud-sync/broker/embedded-broker.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { until } from '../../../scripts/lab/until.ts';
import { connectClient } from '../../support/mqtt-client.ts';

const users = {
  hub: 'hub-secret-0123456789',
  'panel-a': 'a-secret-0123456789',
  'panel-b': 'b-secret-0123456789',
};

describe('embedded broker (simulator)', () => {
  const broker = new EmbeddedBroker({ users, hubUser: 'hub', logger: silentLogger });
  const clients: MqttClient[] = [];

  beforeAll(() => broker.start());
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await broker.stop();
  });

  async function connect(
    username: string,
    password = users[username as keyof typeof users],
  ): Promise<MqttClient> {
    const { client } = await connectClient(broker.url(), {
      protocolVersion: 4,
      username,
      password,
      connectTimeout: 3000,
    });
    clients.push(client);
    return client;
  }

  const received = (client: MqttClient) => {
    const seen: string[] = [];
    client.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    return seen;
  };

  it('applies the per-leaf rights of broker-rights.ts', () => {
    const d = 'portvakt/v1/devices';
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/events`, 'write')).toBe(true);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/calls/to/app-1`, 'write')).toBe(true);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/calls/from/+`, 'subscribe')).toBe(true);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/commands`, 'subscribe')).toBe(true);
    for (const leaf of ['config/desired', 'config/patch', 'events/ack', 'commands', 'calls/from/app-1'])
      expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/${leaf}`, 'write'), leaf).toBe(false);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/events`, 'subscribe')).toBe(false);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-a/#`, 'subscribe')).toBe(false);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-b/events`, 'write')).toBe(false);
    expect(topicAllowed('panel-a', 'hub', `${d}/panel-b/commands`, 'subscribe')).toBe(false);
    expect(topicAllowed('panel-a', 'hub', `${d}/+/events`, 'subscribe')).toBe(false);
    expect(topicAllowed('panel-a', 'hub', '#', 'subscribe')).toBe(false);
    expect(topicAllowed('hub', 'hub', `${d}/+/events`, 'subscribe')).toBe(true);
    expect(topicAllowed('hub', 'hub', `$share/hubs/${d}/+/events`, 'subscribe')).toBe(true);
    expect(topicAllowed('hub', 'hub', `${d}/panel-a/config/desired`, 'write')).toBe(true);
    expect(topicAllowed('hub', 'hub', `${d}/panel-a/events`, 'write')).toBe(false);
    expect(topicAllowed('hub', 'hub', `${d}/panel-a/calls/to/app-1`, 'write')).toBe(false);
    expect(topicAllowed('hub', 'hub', `${d}/#`, 'subscribe')).toBe(false);
    expect(topicAllowed('hub', 'hub', 'other/topic', 'write')).toBe(false);
  });

  it('keeps each panel out of the other panel subtree', async () => {
    const hub = await connect('hub');
    const a = await connect('panel-a');
    const b = await connect('panel-b');
    const seenByB = received(b);
    const seenByA = received(a);
    const seenByHub = received(hub);
    await b.subscribeAsync('portvakt/v1/devices/panel-b/commands', { qos: 1 });
    // MQTT 3.1.1 has no reason codes on SUBACK beyond failure: foreign filters are refused outright
    await expect(a.subscribeAsync('portvakt/v1/devices/panel-b/#', { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    await expect(a.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await a.subscribeAsync('portvakt/v1/devices/panel-a/commands', { qos: 1 });
    await hub.subscribeAsync('portvakt/v1/devices/+/events', { qos: 1 });

    await b.publishAsync('portvakt/v1/devices/panel-b/events', 'from-b', { qos: 1 });
    // a forged publish into b's subtree: aedes drops the connection of the offender
    a.publish('portvakt/v1/devices/panel-b/commands', 'forged', { qos: 0 });
    // markers: once each subscriber got its marker, anything earlier would have arrived too
    await hub.publishAsync('portvakt/v1/devices/panel-b/commands', 'marker-b', { qos: 1 });
    await hub.publishAsync('portvakt/v1/devices/panel-a/commands', 'marker-a', { qos: 1 });
    await until(() => seenByB.some((m) => m.includes('marker-b')), 'marker-b at panel-b');
    await until(() => seenByHub.some((m) => m.includes('from-b')), 'from-b at the hub');

    expect(seenByB.join('\n')).not.toContain('forged');
    expect(seenByA.join('\n')).not.toContain('from-b');
    expect(seenByA.join('\n')).not.toContain('marker-b');
  });

  it("refuses a panel's login publishing config/desired (retained), events/ack or commands for itself", async () => {
    const hub = await connect('hub');
    const desired = 'portvakt/v1/devices/panel-a/config/desired';
    for (const [leaf, retain] of [
      ['config/desired', true],
      ['events/ack', false],
      ['commands', false],
      ['events', true], // a leaf the panel sends, but never retained
    ] as const) {
      const a = await connect('panel-a');
      const closed = new Promise<void>((resolve) => a.once('close', () => resolve()));
      a.publish(`portvakt/v1/devices/panel-a/${leaf}`, '{"forged":true}', { qos: 1, retain });
      await closed; // aedes drops the offender's connection
    }
    // Nothing was retained: a new subscriber to config/desired gets only the hub's snapshot.
    await hub.publishAsync(desired, 'from-the-hub', { qos: 1, retain: true });
    const a = await connect('panel-a');
    const seen = received(a);
    await a.subscribeAsync(desired, { qos: 1 });
    await until(() => seen.length > 0, 'the retained snapshot');
    expect(seen).toEqual([`${desired} from-the-hub`]);
    await hub.publishAsync(desired, '', { qos: 1, retain: true });
  });

  it('refuses a wrong password, an unknown user and a panel using another client id', async () => {
    const b = await connect('panel-b');
    let bClosed = false;
    b.once('close', () => {
      bClosed = true;
    });
    await expect(connect('panel-a', 'wrong-password-000000')).rejects.toThrow();
    await expect(connect('intruder', 'whatever-0000000000')).rejects.toThrow();
    const spoof = mqtt.connect(broker.url(), {
      protocolVersion: 4,
      clientId: 'panel-b',
      username: 'panel-a',
      password: users['panel-a'],
      reconnectPeriod: 0,
    });
    spoof.on('error', () => {});
    clients.push(spoof);
    const outcome = await new Promise<string>((resolve) => {
      spoof.once('connect', () => resolve('connected'));
      spoof.once('error', () => resolve('refused'));
      spoof.once('close', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
    // The owner of that client id stays online.
    await b.subscribeAsync('portvakt/v1/devices/panel-b/commands', { qos: 1 });
    expect(bClosed).toBe(false);
  });
});
