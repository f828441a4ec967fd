/**
 * What the sync agent needs from the panel, as interfaces: cloud-sync/agent never imports device/, so the
 * agent can be tested with small fakes and device/sync implements these on the store and the doors.
 */
import type { ConfigPatchMessage } from '../protocol/messages.ts';
import type { DeviceLeaf } from '../protocol/topics.ts';
import type { UpdateInstallCommand } from '../protocol/update-command.ts';

/** One audit-log row as the agent ships it (the protocol's auditEventSchema shape). */
export interface OutboxEvent {
  id: string;
  seq: number;
  ts: number;
  type: string;
  doorId: string | null;
  readerId: string | null;
  data: Record<string, unknown>;
}

/** The building data the panel decides on, with the config version and epoch it was built from. */
export interface ConfigReplica {
  /** The version in force; 0 = never synced. */
  version(): number;
  /** The epoch of that version; 0 = never synced (or synced before config was signed). */
  epoch(): number;
  /**
   * Validates `data` and makes it the building data, in one transaction with the new epoch and version,
   * so a decision sees the old config or the new one, never a mix. Accepts only a newer epoch, or the same
   * epoch and a newer version. Throws a ValidationError (nothing changed).
   */
  applySnapshot(stamp: { epoch: number; version: number }, data: unknown): void;
  /**
   * Applies deletes then upserts and sets `patch.version`, in one transaction; only on the patch's epoch and
   * base version. Throws like applySnapshot.
   */
  applyPatch(patch: ConfigPatchMessage): void;
  /**
   * The ids of the doors wired on this panel, for `config/reported` (the hub compares them with its own).
   * The replica also warns and records when they disagree with the synced config. Optional: a replica
   * without wiring reports none.
   */
  reportDoors?(): string[];
}

/** Where the panel keeps the hub keys it learned from verified config (trusted-keys.ts). */
export interface HubKeyStore {
  /** The learned key set; undefined when none (then the configured key is trusted). */
  load(): string[] | undefined;
  save(keys: string[]): void;
}

/** The durable event queue toward the cloud (on the panel: the audit log plus an acked seq). */
export interface Outbox {
  /** Every event with seq ≤ this is stored at the cloud. */
  ackedSeq(): number;
  /** Events with seq > afterSeq, in seq order, at most `limit`. */
  pending(afterSeq: number, limit: number): OutboxEvent[];
  /** Persists the acked seq (never lowers it); rows ≤ it leave the outbox. */
  ack(upToSeq: number): void;
  /** Unacked events. */
  size(): number;
  /** Calls `listener` for every event appended from now on; returns the unsubscribe function. */
  onAppend(listener: (event: OutboxEvent) => void): () => void;
  /**
   * Records (as a new event, itself uploaded) that the upload gave up on the event `seq`: the hub refused
   * it alone, or it is too large for any message. Never throws.
   */
  noteSkipped(skip: UploadSkip): void;
}

/** Why the upload left an event out: the `sync.event_skipped` audit payload. */
export interface UploadSkip {
  seq: number;
  eventType: string;
  reason: 'too_large' | 'invalid';
  detail: string;
}

/** `reason` UNKNOWN_DOOR means nothing was recorded or moved: the agent refuses the command. */
export type OpenDoorResult = { ok: true } | { ok: false; reason: string };
export const UNKNOWN_DOOR = 'unknown_door';

/** What verified commands act on. Each method records its own audit events. */
export type EnrolResult = { ok: true; uid: string } | { ok: false; reason: string };

/**
 * `ok: false` means nothing was started (busy, downgrade, no room, no updater): the agent refuses the
 * command with the reason. Once started, progress and the outcome are audit events, not command results.
 */
export type UpdateStartResult = { ok: true } | { ok: false; reason: string; detail: string };

export interface CommandTarget {
  /** Records the decision, then pulses the door; never throws. */
  openDoor(
    doorId: string,
    onBehalfOf: { kind: string; id: string },
    reason: string,
    pulseMs?: number,
  ): OpenDoorResult;
  identify(durationS: number): void;
  /**
   * Arms card enrolment on the readers of a door: resolves with the next card's UID there (that tap opens
   * nothing), or with a reason (no such door or reader, nobody tapped by `untilMs`, enrolment already
   * armed there). Never rejects.
   */
  enrolCard(doorId: string, untilMs: number): Promise<EnrolResult>;
  /**
   * Checks an update command at once (one update at a time, no downgrade unless allowed, room for the
   * bundle) and starts it in the background. Never throws. Optional: a runtime without an updater refuses.
   */
  startUpdate?(command: UpdateInstallCommand, nonce: string): UpdateStartResult;
  /** Audits a refused command (`command.refused`); never moves anything. */
  recordRefusal(reason: string, detail: string, nonce?: string): void;
}

/**
 * Remembered command nonces, so a command is executed once even across a reboot inside its validity
 * window. `remember` returns false when the nonce is already there (a replay).
 */
export interface NonceStore {
  has(nonce: string): boolean;
  remember(nonce: string, expiresAt: number): boolean;
  count(): number;
  /**
   * Forgets nonces whose command expired at or before `now`, and raises the horizon to the latest expiry
   * it forgot. Durable stores keep the horizon across restarts.
   */
  prune(now: number): void;
  /**
   * The latest expiry among the nonces forgotten so far (-Infinity: none). A command expiring at or
   * before it may have been executed and forgotten, so it must be refused whatever the clock says now.
   */
  horizon(): number;
}

/** A message the agent received and refused (bad JSON, schema, config the replica rejected). */
export interface ProtocolError {
  leaf: DeviceLeaf;
  reason: string;
  /** For rejected config: the version that was refused, when it could be read. */
  rejectedVersion?: number;
}

export type ProtocolErrorSink = (error: ProtocolError) => void;
