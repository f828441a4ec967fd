/**
 * Lock commands from Home Assistant. Who can send one: anyone the owner's broker lets publish on
 * `<topicPrefix>/<panelId>/door/<doorId>/lock/set` — the panel cannot tell Home Assistant from anyone
 * else there, so opening is off unless the config says `allowOpen: true`, the broker's ACL should keep
 * the topic to Home Assistant's login, and TLS should carry it (docs/home-assistant.md).
 *
 * Every message on a command topic first takes a token from one bucket (lib/token-bucket.ts); past it the
 * message is dropped unrecorded (counted, logged at most once a minute), so a flood costs a bounded number
 * of audit rows and never reaches the door. Within the bucket:
 *   - OPEN or UNLOCK opens the door through the one door-open path (DoorOpener): the decision
 *     `home_assistant.open_requested` and the door's `door.unlocked` committed together, then the
 *     door's own pulse. Never a lasting unlock: Home Assistant's UNLOCK is a pulse too.
 *   - LOCK does nothing but send the door's state again: the door relocks by itself when its pulse ends,
 *     and ending a pulse early from a home-automation message is not worth a second way to move a relay.
 *   - Anything else — opening while `allowOpen` is false, a door not on this panel, a payload that is no
 *     lock command, a door that refuses — is logged and recorded as `home_assistant.command_refused`,
 *     and nothing moves.
 * A retained command is ignored, live or replayed: kept on the broker, it would open the door again at
 * every reconnect (Home Assistant's lock commands are not retained: discovery says `retain: false`).
 */

import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { TokenBucket } from '../../lib/token-bucket.ts';
import { AuditWriteError } from '../audit/audit-write-error.ts';
import type { AuditLog, AuditPayloads } from '../audit/types.ts';
import type { DoorOpener } from '../door/door-opener.ts';
import { LOCK_PAYLOADS } from './discovery.ts';

/** Longer payloads are not lock commands; they are refused without being read. */
const MAX_COMMAND_BYTES = 16;
const FLOOD_LOG_INTERVAL_MS = 60_000;

export type LockCommandOutcome =
  | 'opened'
  | 'lock_ignored'
  | 'retained_ignored'
  | 'rate_limited'
  | AuditPayloads['home_assistant.command_refused']['reason'];

export interface LockCommandDeps {
  opener: Pick<DoorOpener, 'has' | 'openOne'>;
  audit: AuditLog;
  allowOpen: boolean;
  commandsPerMinute: number;
  commandBurst: number;
  /** Sends the door's current state again (after a LOCK, so Home Assistant shows the truth). */
  republish: (doorId: string) => void;
  clock: Clock;
  logger: Logger;
}

export class LockCommands {
  readonly #d: LockCommandDeps;
  readonly #bucket: TokenBucket;
  #dropped = 0;
  #lastFloodLog: number | undefined;

  constructor(deps: LockCommandDeps) {
    this.#d = deps;
    this.#bucket = new TokenBucket(
      deps.commandsPerMinute / 60,
      () => deps.clock.monotonic(),
      deps.commandBurst,
    );
  }

  /** `doorId` undefined: the topic named no valid door id. */
  handle(doorId: string | undefined, payload: Buffer, retained: boolean): LockCommandOutcome {
    if (this.#bucket.available() < 1) {
      this.#flooded();
      return 'rate_limited';
    }
    this.#bucket.take(1);
    if (retained) {
      this.#d.logger.warn(
        { doorId },
        'Home Assistant: retained lock command ignored (clear it on the broker)',
      );
      return 'retained_ignored';
    }
    if (doorId === undefined || !this.#d.opener.has(doorId))
      return this.#refuse(undefined, 'unknown_door', `no such door: ${String(doorId).slice(0, 64)}`);
    const command = payload.length <= MAX_COMMAND_BYTES ? payload.toString('utf8') : undefined;
    if (command === LOCK_PAYLOADS.lock) {
      this.#d.republish(doorId);
      return 'lock_ignored';
    }
    if (command !== LOCK_PAYLOADS.open && command !== LOCK_PAYLOADS.unlock)
      return this.#refuse(doorId, 'bad_command', `not a lock command (${payload.length} bytes)`);
    if (!this.#d.allowOpen)
      return this.#refuse(doorId, 'not_allowed', `${command} refused: homeAssistant.allowOpen is false`);
    try {
      this.#d.opener.openOne({ type: 'home_assistant.open_requested', doorId, data: { command } }, doorId);
      this.#d.logger.info({ doorId, command }, 'Home Assistant opened a door');
      return 'opened';
    } catch (err) {
      // Nothing was recorded when the commit failed: a refusal row would fail the same way.
      if (err instanceof AuditWriteError) {
        this.#d.logger.error(
          { doorId, err: errorMessage(err) },
          'Home Assistant open not recorded; door stays locked',
        );
        return 'open_failed';
      }
      return this.#refuse(doorId, 'open_failed', errorMessage(err));
    }
  }

  #refuse(
    doorId: string | undefined,
    reason: AuditPayloads['home_assistant.command_refused']['reason'],
    detail: string,
  ): LockCommandOutcome {
    this.#d.logger.warn({ doorId, reason, detail }, 'Home Assistant command refused');
    try {
      this.#d.audit.append({ type: 'home_assistant.command_refused', doorId, data: { reason, detail } });
    } catch (err) {
      this.#d.logger.error({ err: errorMessage(err) }, 'Home Assistant refusal not recorded');
    }
    return reason;
  }

  #flooded(): void {
    this.#dropped++;
    const now = this.#d.clock.monotonic();
    if (this.#lastFloodLog !== undefined && now - this.#lastFloodLog < FLOOD_LOG_INTERVAL_MS) return;
    this.#lastFloodLog = now;
    this.#d.logger.warn(
      { dropped: this.#dropped, perMinute: this.#d.commandsPerMinute },
      'Home Assistant lock commands over the rate limit dropped',
    );
  }
}
