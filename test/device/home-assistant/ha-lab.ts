/**
 * The lab for the Home Assistant tests: a real Mosquitto (the lab's, plain MQTT on loopback) with two
 * logins — the panel's and Home Assistant's — an in-process panel (sim hardware, the demo building) with
 * a `homeAssistant` section pointing at it, and an observer that plays Home Assistant: it subscribes to
 * everything under the discovery and topic prefixes and keeps each message with its retain flag.
 */
import { readFileSync } from 'node:fs';
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

export const PANEL_USER = 'portvakt-panel';
export const PANEL_PASSWORD = 'panel-broker-password-0123';
export const HA_USER = 'homeassistant';
export const HA_PASSWORD = 'homeassistant-password-0123';
/** A client the owner's ACL would not admit to the command topics: garbage and floods come from it. */
export const ANYONE_USER = 'lab-anyone';
const ANYONE_PASSWORD = 'lab-anyone-password-01234';

/**
 * The ACL docs/home-assistant.md tells the owner to write, taken from the document itself (its first
 * code block under "Setup"), for the demo panel; plus the lab's unrestricted user.
 */
export function documentedAcl(panelId: string): string {
  const doc = readFileSync(new URL('../../../docs/home-assistant.md', import.meta.url), 'utf8');
  const block = /```\n(user portvakt-panel[\s\S]*?)```/.exec(doc.replace(/^ {3}/gm, ''))?.[1];
  if (!block) throw new Error('docs/home-assistant.md: the ACL block is gone');
  return `${block.replaceAll('<panel>', panelId)}\nuser ${ANYONE_USER}\ntopic readwrite #\n`;
}

export function startHaBroker(): Promise<MosquittoHandle> {
  return startMosquitto({
    users: { [PANEL_USER]: PANEL_PASSWORD, [HA_USER]: HA_PASSWORD, [ANYONE_USER]: ANYONE_PASSWORD },
    acl: documentedAcl('demo-panel'),
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

  /** As Home Assistant's login, or (`anyone`) as a client the owner's ACL does not restrict. */
  static async connect(port: number, as: 'homeassistant' | 'anyone' = 'homeassistant'): Promise<HaObserver> {
    const { client } = await connectClient(`mqtt://127.0.0.1:${port}`, {
      username: as === 'anyone' ? ANYONE_USER : HA_USER,
      password: as === 'anyone' ? ANYONE_PASSWORD : HA_PASSWORD,
    });
    const observer = new HaObserver(client);
    // Retain as published: a live message keeps its retain flag, so the tests see what is retained.
    await client.subscribeAsync(['homeassistant/#', 'portvakt/demo-panel/#'], { qos: 1, rap: true });
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
