/**
 * Keeps the panel's building data at the cloud's desired version. Snapshots carry a whole config, patches
 * one step N → N+1; anything not newer than what the panel has is ignored (retained snapshots are
 * redelivered on every subscribe), a patch that skips ahead asks for a snapshot, and anything invalid is
 * reported as rejected while the old config stays in force.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import {
  type ConfigReportedMessage,
  type ConfigRequestMessage,
  configPatchMessage,
  configSnapshotMessage,
} from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import type { Link } from './link.ts';
import { numberField, parseJson, parseMessage, peekVersion, validateMessage } from './parse.ts';
import type { ConfigReplica, ProtocolErrorSink } from './ports.ts';

/** Gap requests at most this often: a burst of out-of-order patches must not flood the hub. */
export const CONFIG_REQUEST_INTERVAL_MS = 30_000;

export interface ConfigSyncDeps {
  replica: ConfigReplica;
  link: Link;
  clock: Clock;
  logger: Logger;
  onProtocolError: ProtocolErrorSink;
}

export class ConfigSync {
  readonly #d: ConfigSyncDeps;
  /** When the last gap request went out; a snapshot applied since answers it, so it resets this. */
  #lastGapRequestAt = Number.NEGATIVE_INFINITY;

  constructor(deps: ConfigSyncDeps) {
    this.#d = deps;
  }

  /** On every connect: report what is in force, and ask for a snapshot if there is none yet. */
  onUp(): void {
    const version = this.#d.replica.version();
    this.#report({ status: 'unchanged', version });
    if (version === 0) this.request('startup');
  }

  handleSnapshot(payload: Uint8Array): void {
    // The hub republishes the retained snapshot after each change the panel already has as a patch;
    // parsing and validating megabytes of building data only to find the version is not newer would stall
    // the event loop (and a card tap) for a few hundred milliseconds, so a stale version is dropped first.
    const peeked = peekVersion(payload);
    if (peeked !== undefined && peeked <= this.#d.replica.version()) {
      this.#d.logger.debug({ version: peeked }, 'config snapshot not newer; ignored');
      return;
    }
    const json = parseJson(payload);
    const version = json.ok ? numberField(json.json, 'version') : undefined;
    if (version !== undefined && version <= this.#d.replica.version()) {
      this.#d.logger.debug({ version }, 'config snapshot not newer; ignored');
      return;
    }
    if (!json.ok) {
      this.#reject('config/desired', json.reason, undefined);
      return;
    }
    const msg = validateMessage(configSnapshotMessage, json.json);
    if (!msg.ok) {
      this.#reject('config/desired', msg.reason, numberField(msg.json, 'version'));
      return;
    }
    const current = this.#d.replica.version();
    if (msg.value.version <= current) {
      this.#d.logger.debug({ version: msg.value.version, current }, 'config snapshot not newer; ignored');
      return;
    }
    try {
      this.#d.replica.applySnapshot(msg.value.version, msg.value.data);
    } catch (err) {
      this.#reject('config/desired', errorMessage(err), msg.value.version);
      return;
    }
    this.#lastGapRequestAt = Number.NEGATIVE_INFINITY;
    this.#applied(msg.value.version);
  }

  handlePatch(payload: Uint8Array): void {
    const msg = parseMessage(configPatchMessage, payload);
    if (!msg.ok) {
      this.#reject('config/patch', msg.reason, numberField(msg.json, 'version'));
      return;
    }
    const patch = msg.value;
    const current = this.#d.replica.version();
    if (patch.version <= current) {
      this.#d.logger.debug({ version: patch.version, current }, 'config patch already applied; ignored');
      return;
    }
    if (patch.baseVersion > current) {
      this.#d.logger.info({ baseVersion: patch.baseVersion, current }, 'config patch skips ahead');
      this.request('gap');
      return;
    }
    try {
      this.#d.replica.applyPatch(patch);
    } catch (err) {
      this.#reject('config/patch', errorMessage(err), patch.version);
      return;
    }
    this.#applied(patch.version);
  }

  /** Asks the hub for a fresh snapshot. Gap requests are rate-limited; the others are rare by nature. */
  request(reason: ConfigRequestMessage['reason']): void {
    if (reason === 'gap') {
      const now = this.#d.clock.monotonic();
      if (now - this.#lastGapRequestAt < CONFIG_REQUEST_INTERVAL_MS) return;
      this.#lastGapRequestAt = now;
    }
    const msg: ConfigRequestMessage = {
      protocol: PROTOCOL_VERSION,
      haveVersion: this.#d.replica.version(),
      reason,
      at: this.#d.clock.now(),
    };
    this.#publish('config/request', msg, false);
  }

  #applied(version: number): void {
    this.#d.logger.info({ version }, 'config applied');
    this.#report({ status: 'applied', version });
  }

  #reject(
    leaf: 'config/desired' | 'config/patch',
    reason: string,
    rejectedVersion: number | undefined,
  ): void {
    this.#d.logger.warn({ leaf, reason, rejectedVersion }, 'config rejected; keeping the current one');
    this.#d.onProtocolError({ leaf, reason, ...(rejectedVersion !== undefined ? { rejectedVersion } : {}) });
    this.#report({
      status: 'rejected',
      version: this.#d.replica.version(),
      reason: reason.slice(0, 2000),
      ...(rejectedVersion !== undefined ? { rejectedVersion } : {}),
    });
  }

  #report(fields: Pick<ConfigReportedMessage, 'status' | 'version' | 'reason' | 'rejectedVersion'>): void {
    const msg: ConfigReportedMessage = { protocol: PROTOCOL_VERSION, ...fields, at: this.#d.clock.now() };
    this.#publish('config/reported', msg, true);
  }

  #publish(leaf: 'config/reported' | 'config/request', msg: object, retain: boolean): void {
    if (!this.#d.link.isUp()) return;
    this.#d.link
      .publish(leaf, msg, { qos: 1, retain })
      .catch((err: unknown) => this.#d.logger.debug({ leaf, err: errorMessage(err) }, 'publish failed'));
  }
}
