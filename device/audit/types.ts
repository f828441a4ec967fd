/**
 * The audit log is also the sync outbox: every decision, unlock, door state change and alarm becomes a
 * row with a unique id and a per-panel sequence number, committed (WAL, synchronous=FULL) before any
 * relay moves.
 */
export type AuditEventType =
  | 'system.started'
  | 'system.stopped'
  | 'access.granted'
  | 'access.denied'
  | 'door.unlocked'
  | 'door.locked'
  | 'door.opened'
  | 'door.closed'
  | 'door.exit_requested'
  | 'alarm.raised'
  | 'alarm.cleared'
  | 'reader.attached'
  | 'reader.detached'
  | 'reader.error'
  | 'api.unlock_requested'
  | 'api.rejected'
  /** A verified cloud command was carried out; for door.open it is the decision the unlock cites. */
  | 'command.executed'
  | 'command.refused'
  /** A message from the cloud failed validation (config ones are config.rejected). */
  | 'sync.rejected'
  | 'config.applied'
  | 'config.rejected'
  /** The unacked outbox hit its bound and the oldest low-priority events were dropped. */
  | 'outbox.overflow'
  /** Intercom calls: every step, the visitor picture once per call, refused signaling, door openings. */
  | 'call.started'
  | 'call.ringing'
  | 'call.ring_stopped'
  | 'call.answered'
  | 'call.declined'
  | 'call.ended'
  | 'call.fallback'
  | 'call.busy'
  | 'call.snapshot'
  | 'call.refused'
  | 'call.door_opened'
  | 'call.door_refused'
  | 'call.media_error';

export interface AuditEventInput {
  type: AuditEventType;
  doorId?: string | undefined;
  readerId?: string | undefined;
  /** JSON-serializable details. Card UIDs are stored only as a keyed hash (`uidHash`), never in clear. */
  data?: Record<string, unknown>;
}

export interface AuditEvent {
  /** Globally unique (UUIDv7: time-ordered). */
  id: string;
  /** Per-panel, strictly increasing; assigned gap-free (sync's overflow policy may later drop rows). */
  seq: number;
  /** Wall time, ms since epoch. */
  ts: number;
  type: AuditEventType;
  doorId: string | null;
  readerId: string | null;
  data: Record<string, unknown>;
}

export interface AuditLog {
  /** Durably appends one event and returns it; throws if it could not be written. */
  append(event: AuditEventInput): AuditEvent;
  /**
   * Runs `fn` as one transaction: its appends commit together, with one fsync, when it returns; if it
   * throws, none of them is written. Rows appended inside are not durable until it returns, so nothing
   * they authorize may happen inside `fn`.
   */
  transaction<T>(fn: () => T): T;
  /** Events with seq > after, oldest first, at most `limit`. */
  after(seq: number, limit: number): AuditEvent[];
  lastSeq(): number;
}
