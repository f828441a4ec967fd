import { afterEach, describe, expect, it } from 'vitest';
import { MqttLink } from '../../../cloud-sync/agent/mqtt-link.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { type Logger, silentLogger } from '../../../lib/log/logger.ts';
import type { MosquittoHandle } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { hubClient, PANEL_PASSWORD, startBroker } from './broker.ts';

const DEVICE = 'link-panel';

function recordingLogger(lines: Array<[string, string | undefined]>): Logger {
  const rec = (level: string) => (_obj: object | string, msg?: string) => void lines.push([level, msg]);
  const logger: Logger = {
    debug: rec('debug'),
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    child: () => logger,
  };
  return logger;
}

describe('MqttLink against Mosquitto', () => {
  let broker: MosquittoHandle | undefined;
  let link: MqttLink | undefined;
  afterEach(async () => {
    await link?.stop();
    await broker?.stop();
  });

  function makeLink(
    port: number,
    clock: FakeClock,
    logger: Logger = silentLogger,
    password = PANEL_PASSWORD,
  ) {
    return new MqttLink({
      deviceId: DEVICE,
      brokerUrl: `mqtt://127.0.0.1:${port}`,
      username: DEVICE,
      password,
      sessionExpiryS: 3600,
      clock,
      logger,
      backoff: { random: () => 0 },
    });
  }

  it('connects with MQTT 5, subscribes, receives its topics, publishes; marks itself offline on stop', async () => {
    broker = await startBroker(DEVICE);
    const hub = await hubClient(broker.port, DEVICE);
    const clock = new FakeClock();
    link = makeLink(broker.port, clock);
    const messages: string[] = [];
    link.events.on('message', ({ leaf, payload }) => void messages.push(`${leaf}:${payload.toString()}`));
    link.start();
    await until(() => link!.isUp(), 'link up');
    await link.publish('state', { protocol: 1, status: 'online' }, { qos: 1, retain: true });
    await hub.publish('events/ack', { protocol: 1, upToSeq: 3 });
    await until(() => messages.length === 1, 'ack delivered');
    expect(messages[0]).toBe('events/ack:{"protocol":1,"upToSeq":3}');
    await link.stop();
    await until(() => hub.on('state').length === 2, 'offline state');
    expect(hub.on('state').map((s) => s['status'])).toEqual(['online', 'offline']);
    await hub.close();
  });

  it('reconnects with backoff on its own clock and logs one warning per outage', async () => {
    broker = await startBroker(DEVICE);
    const lines: Array<[string, string | undefined]> = [];
    const clock = new FakeClock();
    link = makeLink(broker.port, clock, recordingLogger(lines));
    const ups: number[] = [];
    link.events.on('up', () => void ups.push(1));
    link.start();
    await until(() => link!.isUp(), 'link up');
    await broker.kill();
    await until(() => !link!.isUp(), 'link down');
    // Attempts fail while the broker is gone; each retry waits for the fake clock.
    for (let i = 0; i < 4; i++) {
      const before = lines.length;
      clock.advance(120_000);
      await until(() => lines.length > before, 'a failed attempt');
    }
    expect(link.isUp()).toBe(false);
    expect(lines.filter(([level, msg]) => level === 'warn' && msg?.includes('error'))).toHaveLength(1);
    await broker.restart();
    await until(() => {
      clock.advance(120_000);
      return link!.isUp();
    }, 'reconnected');
    expect(ups).toHaveLength(2);
  });

  it('a wrong password is an error it survives (logged, retried), not a crash', async () => {
    broker = await startBroker(DEVICE);
    const lines: Array<[string, string | undefined]> = [];
    const clock = new FakeClock();
    link = makeLink(broker.port, clock, recordingLogger(lines), 'wrong-password-0123456789');
    link.start();
    await until(() => lines.some(([level]) => level === 'warn'), 'auth error logged');
    expect(link.isUp()).toBe(false);
    await until(() => clock.pendingTimers() > 0, 'retry scheduled');
  });
});
