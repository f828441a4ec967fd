/**
 * Sends a signed command to one panel: the hub signs the body (Ed25519; the panel verifies it with the
 * hub's public key, so broker access cannot forge one), records it in the command log before publishing
 * (a result can arrive before publish() resolves), and publishes it. A 128-bit random nonce lets the panel
 * refuse replays.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { CommandBody } from '../../protocol/messages.ts';
import { signCommand } from '../../protocol/signing.ts';
import { deviceTopic } from '../../protocol/topics.ts';
import type { MqttPublisher } from '../mqtt/port.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { HubKeys } from './keys.ts';

export interface CommandSenderDeps {
  store: HubStore;
  keys: HubKeys;
  mqtt: MqttPublisher;
  clock: Clock;
  logger: Logger;
}

export interface SentCommand {
  nonce: string;
  panelId: string;
  expiresAt: number;
}

export async function sendCommand(
  deps: CommandSenderDeps,
  panelId: string,
  command: CommandBody['command'],
  ttlMs: number,
): Promise<SentCommand> {
  const issuedAt = deps.clock.now();
  const body: CommandBody = {
    nonce: randomBytes(16).toString('hex'),
    deviceId: panelId,
    issuedAt,
    expiresAt: issuedAt + ttlMs,
    command,
  };
  const message = await signCommand(deps.keys.privateKey, body);
  deps.store.commands.record(body);
  deps.logger.info({ panelId, nonce: body.nonce, type: command.type }, 'command sent');
  deps.mqtt
    .publish(deviceTopic(panelId, 'commands'), message, { qos: 1 })
    .catch((err) =>
      deps.logger.warn({ nonce: body.nonce, err: errorMessage(err) }, 'command publish failed'),
    );
  return { nonce: body.nonce, panelId, expiresAt: body.expiresAt };
}
