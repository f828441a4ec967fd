/**
 * Keeps the panel's building data at the cloud's desired version. Snapshots carry a whole config, patches
 * one step N → N+1; anything not newer than what the panel has is ignored (retained snapshots are
 * redelivered on every subscribe), a patch that skips ahead asks for a snapshot, and anything invalid is
 * reported as rejected while the old config stays in force.
 *
 * Config is signed by the hub (protocol/config-signing.ts): the signature is checked before the body is
 * parsed, and only the signed device id, epoch and version count — so broker access (the hub's login, or
 * a panel's own) cannot hand the panel made-up cards or a version the hub never issued. A snapshot of a
 * newer epoch replaces the config whatever its version: how the hub recovers a poisoned replica. Each
 * refused message is audited once: a retained forgery is redelivered on every reconnect.
 */
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import {
  type ConfigKind,
  type SignedConfigHeader,
  splitSignedConfig,
  verifyConfigSignature,
} from '../protocol/config-signing.ts';
import {
  type ConfigReportedMessage,
  type ConfigRequestMessage,
  configPatchMessage,
  configSnapshotMessage,
  MAX_WIRED_DOORS,
} from '../protocol/messages.ts';
import { PROTOCOL_VERSION } from '../protocol/topics.ts';
import type { Link } from './link.ts';
import { parseMessage } from './parse.ts';
import type { ConfigReplica, ProtocolErrorSink } from './ports.ts';
import { RecentDigests } from './recent-digests.ts';
import type { TrustedKeys } from './trusted-keys.ts';

/** Gap requests at most this often: a burst of out-of-order patches must not flood the hub. */
export const CONFIG_REQUEST_INTERVAL_MS = 30_000;

export interface ConfigSyncDeps {
  deviceId: string;
  replica: ConfigReplica;
  trustedKeys: TrustedKeys;
  link: Link;
  clock: Clock;
  logger: Logger;
  onProtocolError: ProtocolErrorSink;
}

const LEAF = { snapshot: 'config/desired', patch: 'config/patch' } as const;

type Verified<K extends ConfigKind> = K extends 'snapshot'
  ? ReturnType<typeof configSnapshotMessage.parse>
  : ReturnType<typeof configPatchMessage.parse>;

export class ConfigSync {
  readonly #d: ConfigSyncDeps;
  /** When the last gap request went out; a snapshot applied since answers it, so it resets this. */
  #lastGapRequestAt = Number.NEGATIVE_INFINITY;
  /** Messages already refused: the same bytes again are dropped without a second audit row or report. */
  readonly #refused = new RecentDigests(256);

  constructor(deps: ConfigSyncDeps) {
    this.#d = deps;
  }

  /** On every connect: report what is in force, and ask for a snapshot if there is none yet. */
  onUp(): void {
    const version = this.#d.replica.version();
    this.#report({ status: 'unchanged', version });
    if (version === 0) this.request('startup');
  }

  /** Never rejects. */
  async handleSnapshot(payload: Uint8Array): Promise<void> {
    const { replica } = this.#d;
    // The hub republishes the retained snapshot after each change the panel already has as a patch;
    // verifying and parsing megabytes only to find it is not newer would stall the event loop (and a card
    // tap), so a stale one is dropped from its header. Dropping does nothing, so an unsigned header is fine.
    const header = await this.#peek(payload, 'snapshot');
    if (!header) return;
    if (!isNewer(header, replica)) {
      this.#d.logger.debug(
        { version: header.version, epoch: header.epoch },
        'config snapshot not newer; ignored',
      );
      return;
    }
    const msg = await this.#verify(payload, 'snapshot');
    if (!msg || !isNewer(msg, replica)) return;
    try {
      replica.applySnapshot({ epoch: msg.epoch, version: msg.version }, msg.data);
    } catch (err) {
      await this.#refuse(payload, 'snapshot', errorMessage(err), msg.version);
      return;
    }
    this.#lastGapRequestAt = Number.NEGATIVE_INFINITY;
    await this.#applied(msg.version, msg.hubKeys);
  }

  /** Never rejects. */
  async handlePatch(payload: Uint8Array): Promise<void> {
    const { replica } = this.#d;
    const header = await this.#peek(payload, 'patch');
    if (!header) return;
    if (
      header.epoch < replica.epoch() ||
      (header.epoch === replica.epoch() && header.version <= replica.version())
    ) {
      this.#d.logger.debug(
        { version: header.version, epoch: header.epoch },
        'config patch already applied; ignored',
      );
      return;
    }
    const patch = await this.#verify(payload, 'patch');
    if (!patch) return;
    if (patch.epoch !== replica.epoch() || patch.baseVersion > replica.version()) {
      this.#d.logger.info(
        { baseVersion: patch.baseVersion, epoch: patch.epoch, current: replica.version() },
        'config patch does not follow the config in force',
      );
      this.request('gap');
      return;
    }
    if (patch.version <= replica.version()) return;
    try {
      replica.applyPatch(patch);
    } catch (err) {
      await this.#refuse(payload, 'patch', errorMessage(err), patch.version);
      return;
    }
    await this.#applied(patch.version, patch.hubKeys);
  }

  /**
   * Asks the hub for a fresh snapshot. Gap and invalid requests are rate-limited (anyone with broker access
   * can cause them); the others are rare by nature.
   */
  request(reason: ConfigRequestMessage['reason']): void {
    if (reason === 'gap' || reason === 'invalid') {
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

  /** The header, when it is a well-formed one for this panel; otherwise refused (once) and undefined. */
  async #peek(payload: Uint8Array, kind: ConfigKind): Promise<SignedConfigHeader | undefined> {
    const split = splitSignedConfig(payload, kind);
    if (!split.ok) {
      await this.#refuse(payload, kind, `${split.reason}: ${split.detail}`, undefined);
      return undefined;
    }
    if (split.header.deviceId !== this.#d.deviceId) {
      await this.#refuse(
        payload,
        kind,
        `wrong_device: addressed to ${split.header.deviceId}`,
        split.header.version,
      );
      return undefined;
    }
    return split.header;
  }

  /** Signature first, then the body: the validated message, or undefined (refused once). */
  async #verify<K extends ConfigKind>(payload: Uint8Array, kind: K): Promise<Verified<K> | undefined> {
    const split = splitSignedConfig(payload, kind);
    if (!split.ok) return undefined; // #peek refused it already
    const { header, body } = split;
    if (!(await verifyConfigSignature(this.#d.trustedKeys.keys(), header, body))) {
      await this.#refuse(payload, kind, 'bad_signature: not signed by a trusted hub key', header.version);
      return undefined;
    }
    const schema = kind === 'snapshot' ? configSnapshotMessage : configPatchMessage;
    const msg = parseMessage(schema, body);
    if (!msg.ok) {
      await this.#refuse(payload, kind, msg.reason, header.version);
      return undefined;
    }
    const value = msg.value as Verified<K>;
    // Only the signed values count; a header that disagrees was tampered with.
    if (value.deviceId !== this.#d.deviceId) {
      await this.#refuse(payload, kind, `wrong_device: signed for ${value.deviceId}`, value.version);
      return undefined;
    }
    if (value.epoch !== header.epoch || value.version !== header.version) {
      await this.#refuse(payload, kind, 'malformed: header does not match the signed body', header.version);
      return undefined;
    }
    return value;
  }

  async #applied(version: number, hubKeys: readonly string[]): Promise<void> {
    this.#d.logger.info({ version, epoch: this.#d.replica.epoch() }, 'config applied');
    this.#report({ status: 'applied', version });
    try {
      await this.#d.trustedKeys.adopt(hubKeys);
    } catch (err) {
      this.#d.logger.error({ err: errorMessage(err) }, 'could not adopt the hub keys of a verified config');
    }
  }

  async #refuse(
    payload: Uint8Array,
    kind: ConfigKind,
    reason: string,
    rejectedVersion: number | undefined,
  ): Promise<void> {
    const leaf = LEAF[kind];
    if (!(await this.#refused.add(payload))) {
      this.#d.logger.debug({ leaf }, 'config refused before; not reported again');
      return;
    }
    this.#d.logger.warn({ leaf, reason, rejectedVersion }, 'config rejected; keeping the current one');
    this.#d.onProtocolError({ leaf, reason, ...(rejectedVersion !== undefined ? { rejectedVersion } : {}) });
    this.#report({
      status: 'rejected',
      version: this.#d.replica.version(),
      reason: reason.slice(0, 2000),
      ...(rejectedVersion !== undefined ? { rejectedVersion } : {}),
    });
    // A refused retained snapshot may have replaced the hub's real one at the broker: ask the hub to
    // publish it again, so a panel that missed changes while offline still gets them.
    if (kind === 'snapshot') this.request('invalid');
  }

  #report(fields: Pick<ConfigReportedMessage, 'status' | 'version' | 'reason' | 'rejectedVersion'>): void {
    const wiredDoors = this.#wiredDoors();
    const msg: ConfigReportedMessage = {
      protocol: PROTOCOL_VERSION,
      ...fields,
      ...(wiredDoors ? { wiredDoors } : {}),
      epoch: this.#d.replica.epoch(),
      at: this.#d.clock.now(),
    };
    this.#publish('config/reported', msg, true);
  }

  /** What the panel has wired, bounded as the protocol allows; a failure leaves the report without it. */
  #wiredDoors(): string[] | undefined {
    try {
      return this.#d.replica.reportDoors?.().slice(0, MAX_WIRED_DOORS);
    } catch (err) {
      this.#d.logger.error({ err: errorMessage(err) }, 'could not compare the wired doors');
      return undefined;
    }
  }

  #publish(leaf: 'config/reported' | 'config/request', msg: object, retain: boolean): void {
    if (!this.#d.link.isUp()) return;
    this.#d.link
      .publish(leaf, msg, { qos: 1, retain })
      .catch((err: unknown) => this.#d.logger.debug({ leaf, err: errorMessage(err) }, 'publish failed'));
  }
}

/** A newer epoch wins whatever its version; within an epoch, a higher version. */
function isNewer(stamp: { epoch: number; version: number }, replica: ConfigReplica): boolean {
  const epoch = replica.epoch();
  return stamp.epoch > epoch || (stamp.epoch === epoch && stamp.version > replica.version());
}
