/**
 * Residents' app devices on Mosquitto, through its dynamic security plugin (deploy/mosquitto/): the hub,
 * whose login may publish on `$CONTROL/dynamic-security/v1` (deploy/mosquitto/acl), creates a client for
 * each app device at login — password, client id bound to the username, and a role of its own that allows
 * writing calls only to the panels of the resident's buildings — and deletes it on revocation, which
 * makes Mosquitto disconnect it at once and refuse its credentials from then on. Panels and the hub stay
 * in the password file and ACL file; both mechanisms run side by side on the same listeners (Mosquitto
 * asks the ACL file first, which has no rule for an app device, then the plugin).
 *
 * Panels paired at runtime (pairing) are admitted the same way, with their own role (panelRoleAcls,
 * from the same table as the ACL file's panel blocks).
 *
 * Also understood by the embedded broker (`deleteClient` only), so one revoker serves both brokers.
 */
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { PortvaktError } from '../../lib/errors.ts';
import { publishJson } from '../../lib/mqtt/publish-json.ts';
import { leafRights } from '../protocol/broker-rights.ts';
import { appDeviceCallFilter, callTopic } from '../protocol/calls.ts';
import { DEVICE_ID_PATTERN, TOPIC_ROOT } from '../protocol/topics.ts';

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;

const responsesSchema = z.object({
  responses: z.array(
    z.object({ command: z.string(), error: z.string().optional(), correlationData: z.string().optional() }),
  ),
});
export type DynsecCommand = { command: string } & Record<string, unknown>;
type DynsecResponse = z.output<typeof responsesSchema>['responses'][number];

/** Dynsec's answer when the client or role is already gone: revoking twice is not an error. */
const GONE = /not found/i;

/** The role of one app device: its own name, so deleting it leaves nobody else's rights changed. */
export const appDeviceRole = (appDeviceId: string): string => `portvakt-${appDeviceId}`;

/** The commands that give an app device exactly its call rights (calls.ts) for these panels. */
export function appDeviceRoleAcls(appDeviceId: string, panelIds: readonly string[]): DynsecCommand[] {
  const rolename = appDeviceRole(appDeviceId);
  const acl = (acltype: string, topic: string) => ({
    command: 'addRoleACL',
    rolename,
    acltype,
    topic,
    allow: true,
  });
  return [
    acl('subscribePattern', appDeviceCallFilter(appDeviceId)),
    acl('publishClientReceive', appDeviceCallFilter(appDeviceId)),
    ...panelIds.map((p) => acl('publishClientSend', callTopic(p, 'from', appDeviceId))),
  ];
}

/** The role of a panel paired at runtime (pairing): its own, like an app device's. */
export const panelRole = (panelId: string): string => `portvakt-panel-${panelId}`;

/**
 * A paired panel's rights, the same table as its ACL-file block (broker-rights.ts panelAclLines): it
 * writes what it sends and reads what it receives, in its own subtree only.
 */
export function panelRoleAcls(panelId: string): DynsecCommand[] {
  if (!DEVICE_ID_PATTERN.test(panelId)) throw new Error(`invalid device id "${panelId}"`);
  const rolename = panelRole(panelId);
  const rights = leafRights('panel');
  const topic = (leaf: string) => `${TOPIC_ROOT}/devices/${panelId}/${leaf}`;
  const acl = (acltype: string, leaf: string) => ({
    command: 'addRoleACL',
    rolename,
    acltype,
    topic: topic(leaf),
    allow: true,
  });
  return [
    ...rights.write.map((leaf) => acl('publishClientSend', leaf)),
    ...rights.read.flatMap((leaf) => [acl('subscribePattern', leaf), acl('publishClientReceive', leaf)]),
  ];
}

/** Publishing JSON as the hub (the hub's MqttPublisher port has this shape). */
export interface DynsecPublisher {
  publish(topic: string, payload: unknown, options: { qos: 0 | 1 }): Promise<void>;
}

export interface DynsecOptions {
  /**
   * The hub's login (allowed on `$CONTROL/dynamic-security/#`). Its connection must subscribe to
   * DYNSEC_RESPONSE_TOPIC (never as a shared subscription: every worker needs its own answers) and hand
   * those messages to handleResponse().
   */
  mqtt: DynsecPublisher;
  timeoutMs?: number;
}

/** Admits, re-scopes and revokes app devices; implements the hub's AppDeviceRevoker port. */
export class MosquittoAppDevices {
  readonly #mqtt: DynsecPublisher;
  readonly #timeoutMs: number;
  readonly #pending = new Map<string, (r: DynsecResponse) => void>();

  constructor(options: DynsecOptions) {
    this.#mqtt = options.mqtt;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Over a plain mqtt.js client logged in as the hub: subscribes to the answers and routes them. */
  static async overClient(client: MqttClient, timeoutMs?: number): Promise<MosquittoAppDevices> {
    const devices = new MosquittoAppDevices({
      mqtt: { publish: (topic, payload, o) => publishJson(client, topic, payload, o) },
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    client.on('message', (topic, payload) => {
      if (topic === DYNSEC_RESPONSE_TOPIC) devices.handleResponse(payload);
    });
    await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 });
    return devices;
  }

  /** A message on DYNSEC_RESPONSE_TOPIC: settles the commands it answers; anything else is ignored. */
  handleResponse(payload: Buffer): void {
    const parsed = responsesSchema.safeParse(safeJson(payload.toString()));
    if (!parsed.success) return;
    for (const r of parsed.data.responses) {
      const done = r.correlationData === undefined ? undefined : this.#pending.get(r.correlationData);
      done?.(r);
    }
  }

  /** A new app device: its role (calls to `panelIds` only) and its client, bound to its own client id. */
  async admit(appDeviceId: string, password: string, panelIds: readonly string[]): Promise<void> {
    const rolename = appDeviceRole(appDeviceId);
    await this.#run([{ command: 'createRole', rolename }, ...appDeviceRoleAcls(appDeviceId, panelIds)]);
    await this.#run([
      {
        command: 'createClient',
        username: appDeviceId,
        password,
        clientid: appDeviceId,
        roles: [{ rolename }],
      },
    ]);
  }

  /** The resident's buildings changed: the device's role is rebuilt (the client stays connected). */
  async setPanels(appDeviceId: string, panelIds: readonly string[]): Promise<void> {
    const rolename = appDeviceRole(appDeviceId);
    await this.#run([{ command: 'deleteRole', rolename }], GONE);
    await this.#run([{ command: 'createRole', rolename }, ...appDeviceRoleAcls(appDeviceId, panelIds)]);
    await this.#run([{ command: 'addClientRole', username: appDeviceId, rolename }]);
  }

  /**
   * A paired panel (pairing/pairing.ts): its role and its client, bound to its own client id. Pairing a
   * panel again (a replaced unit) replaces both: the old login is deleted first, which disconnects it.
   */
  async admitPanel(panelId: string, password: string): Promise<void> {
    const rolename = panelRole(panelId);
    await this.#run(
      [
        { command: 'deleteClient', username: panelId },
        { command: 'deleteRole', rolename },
      ],
      GONE,
    );
    await this.#run([{ command: 'createRole', rolename }, ...panelRoleAcls(panelId)]);
    await this.#run([
      { command: 'createClient', username: panelId, password, clientid: panelId, roles: [{ rolename }] },
    ]);
  }

  /** Deletes the devices' clients (Mosquitto disconnects them now) and their roles. */
  async revoke(appDeviceIds: readonly string[]): Promise<void> {
    if (appDeviceIds.length === 0) return;
    await this.#run(
      appDeviceIds.flatMap((username) => [
        { command: 'deleteClient', username },
        { command: 'deleteRole', rolename: appDeviceRole(username) },
      ]),
      GONE,
    );
  }

  /** Sends the commands as one message and waits for every answer; an error not `tolerated` throws. */
  async #run(commands: readonly DynsecCommand[], tolerated?: RegExp): Promise<void> {
    const tagged = commands.map((c) => ({ ...c, correlationData: randomUUID() }));
    const answers = tagged.map((c) => this.#answer(c.correlationData));
    await this.#mqtt.publish(DYNSEC_TOPIC, { commands: tagged }, { qos: 1 });
    const responses = await Promise.all(answers);
    const failed = responses.filter((r) => r.error && !tolerated?.test(r.error));
    if (failed.length)
      throw new PortvaktError(
        'conflict',
        `broker refused ${failed.map((r) => `${r.command}: ${r.error}`).join('; ')}`,
      );
  }

  #answer(correlationData: string): Promise<DynsecResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationData);
        reject(new PortvaktError('unavailable', 'the broker did not answer a dynamic security command'));
      }, this.#timeoutMs);
      this.#pending.set(correlationData, (r) => {
        clearTimeout(timer);
        this.#pending.delete(correlationData);
        resolve(r);
      });
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
