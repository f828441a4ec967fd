/**
 * The lab for the Home Assistant tests: a real Mosquitto (the lab's, plain MQTT on loopback) with two
 * logins — the panel's and Home Assistant's — an in-process panel (sim hardware, the demo building) with
 * a `homeAssistant` section pointing at it, and an observer that plays Home Assistant: it subscribes to
 * everything under the discovery and topic prefixes and keeps each message with its retain flag.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { validateConfig } from '../../../device/config/load.ts';
import type { PanelConfigInput } from '../../../device/config/schema.ts';
import { Panel } from '../../../device/main.ts';
import { demoBuilding } from '../../../device/sim/demo-building.ts';
import { demoConfig } from '../../../device/sim/demo-config.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { type MosquittoHandle, startMosquitto } from '../../../scripts/lab/mosquitto.ts';
import { until } from '../../../scripts/lab/until.ts';
import { connectClient } from '../../support/mqtt-client.ts';
import { tempDir } from '../../support/temp-dir.ts';

export const PANEL_USER = 'pv-panel';
export const PANEL_PASSWORD = 'panel-broker-password-0123';
export const HA_USER = 'homeassistant';
export const HA_PASSWORD = 'homeassistant-password-0123';

export function startHaBroker(): Promise<MosquittoHandle> {
  return startMosquitto({
    users: { [PANEL_USER]: PANEL_PASSWORD, [HA_USER]: HA_PASSWORD },
    // The owner's broker: both logins may use every topic (docs/home-assistant.md shows a tighter ACL).
    acl: `user ${PANEL_USER}\ntopic readwrite #\n\nuser ${HA_USER}\ntopic readwrite #\n`,
  });
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** Home Assistant's side of the broker, as far as the tests need it. */
export class HaObserver {
  readonly messages: Received[] = [];
  readonly client: MqttClient;

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) =>
      this.messages.push({ topic, payload, retain: packet.retain }),
    );
  }

  static async connect(port: number): Promise<HaObserver> {
    const { client } = await connectClient(`mqtt://127.0.0.1:${port}`, {
      username: HA_USER,
      password: HA_PASSWORD,
    });
    const observer = new HaObserver(client);
    // Retain as published: a live message keeps its retain flag, so the tests see what is retained.
    await client.subscribeAsync(['homeassistant/#', 'portvakt/#'], { qos: 1, rap: true });
    return observer;
  }

  on(topic: string): Received[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  last(topic: string): string | undefined {
    return this.on(topic).at(-1)?.payload.toString('utf8');
  }

  /** Waits until the latest message on `topic` is `payload`. */
  async lastIs(topic: string, payload: string, timeoutMs = 10_000): Promise<void> {
    await until(
      () => this.last(topic) === payload,
      `${topic} = ${payload} (last: ${this.last(topic)})`,
      timeoutMs,
    );
  }

  discovery(): Received[] {
    return this.messages.filter((m) => m.topic.startsWith('homeassistant/') && m.topic.endsWith('/config'));
  }

  async publish(topic: string, payload: string | Buffer, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }

  close(): void {
    this.client.end(true);
  }
}

export interface HaPanelOptions {
  brokerPort: number;
  allowOpen?: boolean;
  intercom?: boolean;
  commandsPerMinute?: number;
  commandBurst?: number;
  imageMinIntervalS?: number;
  logger?: Logger;
}

/** The demo panel with Home Assistant on `brokerPort`; its main entrance pulses 1 s. */
export async function startHaPanel(options: HaPanelOptions): Promise<Panel> {
  const dir = tempDir();
  const input: PanelConfigInput = demoConfig({
    storePath: join(dir, 'panel.db'),
    port: 0,
    installerToken: 'test-installer-token-0123',
  });
  input.doors[0]!.pulseMs = 1000;
  const config = validateConfig({
    ...input,
    ...(options.intercom
      ? { intercom: { ...input.intercom, snapshotWaitMs: 1000 } }
      : { intercom: { enabled: false } }),
    homeAssistant: {
      brokerUrl: `mqtt://127.0.0.1:${options.brokerPort}`,
      username: PANEL_USER,
      password: PANEL_PASSWORD,
      allowOpen: options.allowOpen ?? false,
      ...(options.commandsPerMinute ? { commandsPerMinute: options.commandsPerMinute } : {}),
      ...(options.commandBurst ? { commandBurst: options.commandBurst } : {}),
      ...(options.imageMinIntervalS ? { imageMinIntervalS: options.imageMinIntervalS } : {}),
    },
  });
  config.access.repeatTapWindowMs = 0;
  const { silentLogger } = await import('../../../lib/log/logger.ts');
  const panel = new Panel({
    config,
    logger: options.logger ?? silentLogger,
    homeAssistantBackoff: { initialMs: 100, maxMs: 400 },
  });
  await panel.start();
  panel.store!.buildingData.replaceBuildingData(demoBuilding());
  return panel;
}
