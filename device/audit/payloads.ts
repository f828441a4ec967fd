/**
 * What each audit event type carries in `data`. `AuditLog.append` takes `{type, data}` checked against
 * this map, so every event is written with the fields its readers expect (the hub's call log reads
 * `call.ringing`'s residentId, the outbox and the live feed read the rest). Only types some part of the
 * panel writes are listed: a new type comes with its payload.
 *
 * Object type literals, not interfaces: they must stay assignable to the stored `Record<string, unknown>`.
 * Call vocabulary (outcomes, stop reasons, bell types) is typed as text here because the intercom types
 * import this module; the intercom passes its own literal types.
 */
import { SNAPSHOT_MAX_CHARS } from '../../cloud-sync/protocol/calls.ts';
import type { AccessDecision } from '../access/types.ts';
import type { DoorAlarm, UnlockKind } from '../door/types.ts';
import type { ResidentPanelPayloads } from './resident-panel-payloads.ts';
import type { UpdatePayloads } from './update-payloads.ts';

/**
 * Every string in an event's `data` is at most this long once recorded (device/audit/bounds.ts cuts
 * longer ones at record time and marks the cut): refusal reasons and details quote what others sent, and
 * an attacker's 64 KB must not become 64 KB per event in the outbox, the upload and the hub.
 */
export const AUDIT_TEXT_MAX_CHARS = 200;
/**
 * Pictures are the one large field: `call.snapshot`'s `snapshot`, a JPEG data URI of at most
 * SNAPSHOT_MAX_CHARS (64 KiB; the intercom records JPEGs up to 48,000 bytes). A longer one is replaced by
 * a short marker, never cut (a cut picture is no picture).
 */
export const AUDIT_PICTURE_MAX_CHARS = SNAPSHOT_MAX_CHARS;
/** The picture fields, by event type: the only strings allowed past AUDIT_TEXT_MAX_CHARS. */
export const AUDIT_PICTURE_FIELDS: Readonly<Partial<Record<AuditEventType, string>>> = {
  'call.snapshot': 'snapshot',
};

/** A card decision as recorded; the reader is the event's own `readerId` column. */
type TapDecision = Pick<AccessDecision, 'reason' | 'doorIds' | 'uidHash' | 'cardId' | 'residentId'>;

/** Details some alarms carry: the relay's error, the held-open limit that was passed. */
export type AlarmDetail = { error?: string; heldOpenAfterS?: number };

type ReaderSeen = { reader: string | undefined };

/** A message from the cloud that failed validation (leaf is the topic leaf it came on). */
type ProtocolRejection = { leaf: string; reason: string; rejectedVersion?: number };

type Lifecycle = { panelId: string };

export type AuditPayloads = {
  'system.started': Lifecycle;
  'system.stopped': Lifecycle;
  'access.granted': TapDecision;
  'access.denied': TapDecision;
  'door.unlocked': {
    cause: UnlockKind;
    /** Seq of the decision this unlock cites (committed in the same transaction). */
    decisionSeq: number;
    pulseMs: number;
    unlockedUntil: number;
    extended: boolean;
  };
  'door.locked': { reason: string };
  'door.opened': { atStart: true } | { authorized: boolean; by: UnlockKind | null };
  'door.closed': { openMs: number };
  /** The decision an exit-button unlock cites; the press itself says all there is. */
  'door.exit_requested': Record<string, never>;
  'alarm.raised': { alarm: DoorAlarm } & AlarmDetail;
  'alarm.cleared': { alarm: DoorAlarm; activeMs: number } & AlarmDetail;
  'reader.attached': ReaderSeen;
  'reader.detached': ReaderSeen;
  'reader.error': ReaderSeen & { message: string };
  'api.unlock_requested': { requestedBy: string; pulseMs?: number | undefined };
  /** A verified cloud command was carried out; for door.open it is the decision the unlock cites. */
  'command.executed':
    | {
        command: 'door.open';
        onBehalfOf: { kind: string; id: string };
        reason: string;
        pulseMs?: number | undefined;
      }
    | { command: 'identify'; durationS: number };
  'command.refused': { reason: string; detail: string; nonce?: string };
  /** A message from the cloud failed validation (config ones are config.rejected). */
  'sync.rejected': ProtocolRejection;
  'config.rejected': ProtocolRejection;
  /**
   * An event the upload gave up on: the hub refused it alone (`invalid`), or it is larger than any events
   * message may be (`too_large`). Its seq is the one gap at the hub that no `outbox.overflow` explains.
   */
  'sync.event_skipped': { seq: number; eventType: string; reason: 'too_large' | 'invalid'; detail: string };
  'config.applied': { version: number; kind: 'snapshot' | 'patch'; epoch?: number };
  /**
   * The synced config and the device config disagree about this panel's doors (recorded when the
   * difference changes, and once per start): doors the hub has that no relay is wired for here
   * (`hubOnly`: rules and bells on them can never open anything), and wired doors the hub does not know
   * (`panelOnly`: no card is ever granted there). Both empty: they agree again.
   */
  'config.door_mismatch': { hubOnly: string[]; panelOnly: string[] };
  /** The unacked outbox hit its bound and the oldest low-priority events were dropped (counts by type). */
  'outbox.overflow': { dropped: Record<string, number>; total: number; maxRows: number };
  'call.started': { callId: string; bellId: string; type: string };
  'call.ringing': { callId: string; residentId: string; devices: number };
  'call.ring_stopped': { callId: string; residentId: string; reason: string };
  'call.answered': { callId: string; residentId: string; deviceId: string };
  'call.declined': { callId: string; residentId: string };
  'call.ended': { callId: string; bellId: string; outcome: string; durationMs?: number };
  'call.fallback': {
    callId: string;
    bellId: string;
    residentIds: readonly string[];
    /** no_app_device: phoned because they have no app device; phone_step: a sequential step by phone. */
    why: 'no_app_device' | 'phone_step';
  };
  /** The phone fallback (device/phone/): one leg to one resident's number; numbers are not recorded. */
  'call.phone_dialing': { callId: string; residentId: string };
  'call.phone_ringing': { callId: string; residentId: string; early: boolean };
  'call.phone_answered': { callId: string; residentId: string };
  'call.phone_ended': {
    callId: string;
    residentId: string;
    outcome: 'answered' | 'busy' | 'declined' | 'no_answer' | 'failed' | 'cancelled';
    reason: string;
    sipStatus?: number;
    durationMs?: number;
  };
  /** A digit on the phone leg, with where it came from and what it did. */
  'call.phone_digit': {
    callId: string;
    residentId: string;
    digit: string;
    source: 'rfc4733' | 'sip-info' | 'inband';
    action: 'opened' | 'ignored' | 'already_opened' | 'refused';
  };
  /** The callee pressed an open digit: the decision the unlock cites. */
  'call.phone_door_opened': {
    callId: string;
    residentId: string;
    doorId: string;
    digit: string;
    source: 'rfc4733' | 'sip-info' | 'inband';
  };
  'call.busy': { bellId: string; activeCallId: string };
  /** The visitor picture, once per call (a data: URI). */
  'call.snapshot': { callId: string; snapshot: string };
  /** Signaling from an app device that was refused (callId absent when the message named none). */
  'call.refused': { appDeviceId: string; callId?: string; type?: string; reason: string };
  /**
   * Call messages of one app device ("*": senders beyond those tracked) refused or rate-limited after its
   * first `call.refused`, counted over a window instead of one row each (device/intercom/refusal-collapser.ts).
   */
  'call.flood': {
    appDeviceId: string;
    refused: number;
    rateLimited: number;
    firstReason: string;
    lastReason: string;
    windowMs: number;
  };
  /**
   * An app device in the call sent past its rate limit (traffic no app sends): the panel stopped
   * listening to it and closed its peer; the call ended if it was the one talking.
   */
  'call.device_cut': { callId: string; appDeviceId: string; reason: 'device_rate_limited' };
  /** A card taken for enrolment (a cloud `card.enrol` command): it opened nothing; its UID went to the hub. */
  'card.enrolled': { uidHash: string };
  /** The resident who answered opened the door: the decision the unlock cites. */
  'call.door_opened': { residentId: string; appDeviceId: string; callId: string };
  'call.door_refused': { callId: string; doorId: string; reason: string };
  'call.media_error': { callId: string; appDeviceId?: string; reason: string };
  /**
   * Installer mode (device/installer/): an entry with the PIN, a wrong PIN (the failures in a row so far
   * and, once past the free tries, how long entries are refused), the first attempt refused during such a
   * backoff (one row per backoff: the attempts themselves are not checked, nor recorded one by one), and
   * the end of a session. `session` is a short random id that ties a session's rows together (not its
   * token). A PIN is never recorded, right or wrong.
   */
  'installer.entered': { session: string; replaced: string | null };
  'installer.pin_refused': { failures: number; lockedForS: number };
  'installer.backoff': { failures: number; retryAfterS: number };
  'installer.left': { session: string; reason: 'left' | 'idle' | 'expired' | 'replaced' | 'reset' };
  /** The installer's relay test from the screen: the decision its `door.unlocked` cites. */
  'installer.relay_tested': { session: string | null; pulseMs: number };
  /** The installer exported the panel's recent log lines (redacted) from the screen. */
  'installer.logs_exported': { session: string | null; lines: number };
  /** The speaker test tone was played. */
  'installer.speaker_tested': { session: string | null };
  /**
   * A Home Assistant lock entity asked to open its door (device/home-assistant/): the decision the
   * unlock cites. Who sent it is not known to the panel: anyone the owner's broker lets publish on the
   * command topic (docs/home-assistant.md).
   */
  'home_assistant.open_requested': { command: 'OPEN' | 'UNLOCK' };
  /**
   * A Home Assistant command that opened nothing: opening is off (`allowOpen: false`), the door is not on
   * this panel, the payload is not a lock command, or the door refused. Rate-limited before it is
   * recorded, so a flood costs a bounded number of rows.
   */
  'home_assistant.command_refused': {
    reason: 'not_allowed' | 'unknown_door' | 'bad_command' | 'open_failed';
    detail: string;
  };
  /**
   * The alarm: an audit write failed on the storage (full or failing disk). From here events are held
   * in memory, in order, and written out once the storage takes writes again (device/store/audit-log.ts).
   */
  'storage.degraded': { code: string; reserveReleased: boolean };
  /**
   * The storage takes writes again and the reserve is back: `written` events held in memory were written
   * out before this one; `dropped` (by type) were lost because the memory buffer was full, their seqs
   * `droppedSeqs` left as a gap.
   */
  'storage.recovered': {
    degradedMs: number;
    written: number;
    dropped: Record<string, number>;
    droppedSeqs?: { first: number; last: number } | undefined;
  };
} & ResidentPanelPayloads &
  UpdatePayloads;

export type AuditEventType = keyof AuditPayloads;
