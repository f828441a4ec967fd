/**
 * Executes signed cloud commands: verify (form, Ed25519 signature, addressee, validity window), then
 * single use (nonce), then act. Every outcome is answered on `commands/result`; every refusal is audited
 * through the CommandTarget and never reaches a door.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { CommandBody, CommandResultMessage } from '../protocol/messages.ts';
import { fromBase64Url, verifyCommand } from '../protocol/signing.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import type { Link } from './link.ts';
import type { NonceCache } from './nonce-cache.ts';
import { parseJson } from './parse.ts';
import { type CommandTarget, UNKNOWN_DOOR } from './ports.ts';
import type { TrustedKeys } from './trusted-keys.ts';

export interface CommandsDeps {
  deviceId: string;
  trustedKeys: TrustedKeys;
  nonces: NonceCache;
  target: CommandTarget;
  link: Link;
  clock: Clock;
  logger: Logger;
  /** config.resync asks the config sync for a snapshot. */
  requestResync: () => void;
}

type Outcome = Pick<CommandResultMessage, 'status' | 'reason' | 'nonce' | 'cardUid'>;

export class Commands {
  readonly #d: CommandsDeps;

  constructor(deps: CommandsDeps) {
    this.#d = deps;
  }

  /** Never rejects: every failure becomes a refused/failed result. */
  async handle(payload: Uint8Array): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await this.#process(payload);
    } catch (err) {
      this.#d.logger.error({ err: errorMessage(err) }, 'command handling failed');
      outcome = { status: 'failed', reason: 'internal error' };
    }
    this.#answer(outcome);
  }

  async #process(payload: Uint8Array): Promise<Outcome> {
    const json = parseJson(payload);
    if (!json.ok) return this.#refuse('malformed', json.reason, undefined);
    const verified = await verifyCommand(this.#d.trustedKeys.keys(), json.json, {
      deviceId: this.#d.deviceId,
      now: this.#d.clock.now(),
    });
    if (!verified.ok) return this.#refuse(verified.reason, verified.detail, unverifiedNonce(json.json));
    const body = verified.body;
    const verdict = this.#d.nonces.accept(body.nonce, body.expiresAt, this.#d.clock.now());
    if (verdict === 'replayed') return this.#refuse('replayed', 'nonce already used', body.nonce);
    if (verdict === 'stale')
      return this.#refuse('stale', 'expired before the last command the panel forgot', body.nonce);
    if (verdict === 'full') return this.#refuse('busy', 'too many commands in flight', body.nonce);
    return this.#execute(body);
  }

  async #execute(body: CommandBody): Promise<Outcome> {
    const { command, nonce } = body;
    switch (command.type) {
      case 'door.open': {
        const result = this.#d.target.openDoor(
          command.doorId,
          command.onBehalfOf,
          command.reason,
          command.pulseMs,
        );
        if (result.ok) return { status: 'done', nonce };
        if (result.reason === UNKNOWN_DOOR)
          return this.#refuse(UNKNOWN_DOOR, `no door "${command.doorId}"`, nonce);
        return { status: 'failed', reason: result.reason, nonce };
      }
      case 'config.resync':
        this.#d.requestResync();
        return { status: 'done', nonce };
      case 'identify':
        this.#d.target.identify(command.durationS);
        return { status: 'done', nonce };
      case 'card.enrol': {
        const until = Math.min(body.expiresAt, this.#d.clock.now() + command.durationS * 1000);
        const result = await this.#d.target.enrolCard(command.doorId, until);
        if (result.ok) return { status: 'done', nonce, cardUid: result.uid };
        if (result.reason === UNKNOWN_DOOR)
          return this.#refuse(UNKNOWN_DOOR, `no door "${command.doorId}"`, nonce);
        return { status: 'failed', reason: result.reason, nonce };
      }
      case 'update.install': {
        // Done means started: the download and install take minutes and report as events.
        const started = this.#d.target.startUpdate?.(command, nonce) ?? {
          ok: false,
          reason: 'unsupported',
          detail: 'this panel has no updater',
        };
        if (started.ok) return { status: 'done', nonce };
        return this.#refuse(started.reason, started.detail, nonce);
      }
    }
  }

  #refuse(reason: string, detail: string, nonce: string | undefined): Outcome {
    this.#d.logger.warn({ reason, detail, nonce }, 'command refused');
    this.#d.target.recordRefusal(reason, detail, nonce);
    return { status: 'refused', reason: `${reason}: ${detail}`.slice(0, 500), ...(nonce ? { nonce } : {}) };
  }

  #answer(outcome: Outcome): void {
    const msg: CommandResultMessage = { protocol: PROTOCOL_VERSION, ...outcome, at: this.#d.clock.now() };
    if (!this.#d.link.isUp()) return;
    this.#d.link
      .publish('commands/result', msg, { qos: 1 })
      .catch((err: unknown) => this.#d.logger.debug({ err: errorMessage(err) }, 'command result not sent'));
  }
}

/**
 * The nonce of a command that failed verification, only to correlate the refusal at the hub: it is echoed,
 * never trusted.
 */
function unverifiedNonce(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const body = (json as { body?: unknown }).body;
  if (typeof body !== 'string' || body.length > 8192) return undefined;
  const bytes = fromBase64Url(body);
  if (!bytes) return undefined;
  try {
    const nonce = (JSON.parse(new TextDecoder().decode(bytes)) as { nonce?: unknown } | null)?.nonce;
    return typeof nonce === 'string' && nonce.length >= 1 && nonce.length <= 64 ? nonce : undefined;
  } catch {
    return undefined;
  }
}
