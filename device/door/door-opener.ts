/**
 * The one way a door opens on a decision. Every cause (a card tap, the installer's API call, a signed
 * cloud command, the resident who answered a call) appends its decision and each door's `door.unlocked`
 * in ONE audit transaction, so one fsync, and only after that commit do the relays move, in the same
 * synchronous call. If anything in the transaction fails to write, nothing is written, no relay moves
 * and the caller gets an AuditWriteError. A storage fault is not such a failure: the audit log then holds
 * the transaction in memory and returns (store/audit-log.ts), so a granted card opens on a full disk.
 * Exit presses do not come here: egress releases first and is recorded after (door-controller.ts).
 * Every unlock stays a bounded pulse (the door clamps its length).
 */
import { errorMessage, NotFoundError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import { AuditWriteError } from '../audit/audit-write-error.ts';
import type { AuditEvent, AuditEventInput, AuditLog } from '../audit/types.ts';
import type { PreparedUnlock, UnlockCause, UnlockKind, UnlockResult } from './types.ts';

/** The decisions an unlock may cite, each with the unlock kind it authorizes. */
const KIND_OF_DECISION = {
  'access.granted': 'access',
  'api.unlock_requested': 'api',
  'installer.relay_tested': 'api',
  'command.executed': 'command',
  'call.door_opened': 'intercom',
  'call.phone_door_opened': 'intercom',
  'door.exit_requested': 'exit_button',
  'home_assistant.open_requested': 'home_assistant',
} as const satisfies Record<string, UnlockKind>;

export type OpeningDecision = AuditEventInput<keyof typeof KIND_OF_DECISION>;

export interface OpenableDoor {
  readonly id: string;
  /** Writes `door.unlocked` (throws AuditWriteError if it cannot); the relay moves only on `drive`. */
  prepareUnlock(cause: UnlockCause): PreparedUnlock;
}

export type DoorOutcome =
  | { doorId: string; opened: true; result: UnlockResult }
  | { doorId: string; opened: false; error: unknown };

export interface Opening {
  /** The decision as committed: each door's `door.unlocked` cites its seq. */
  decision: AuditEvent;
  doors: DoorOutcome[];
}

/** What ports that report rather than throw (cloud commands, calls) answer. */
export type OpenAttempt = { ok: true } | { ok: false; reason: string };

type Step = { doorId: string; prepared: PreparedUnlock } | { doorId: string; error: unknown };

/**
 * Commits `decision` with each door's `door.unlocked`, then drives the relays. A door that refuses (not
 * running, an invalid pulse length, not on this panel) stays locked and is reported in `doors`; the
 * others still open, citing the same decision. `pulseMs` absent or 0: each door's own length.
 */
export function openDoors(
  audit: AuditLog,
  log: Logger,
  decision: OpeningDecision,
  doors: readonly OpenableDoor[],
  pulseMs?: number,
): Opening {
  const kind = KIND_OF_DECISION[decision.type];
  let committed: { event: AuditEvent; steps: Step[] };
  try {
    committed = audit.transaction(() => {
      const event = audit.append(decision);
      const cause: UnlockCause = pulseMs
        ? { kind, eventSeq: event.seq, ms: pulseMs }
        : { kind, eventSeq: event.seq };
      return { event, steps: doors.map((door) => prepare(door, cause, log)) };
    });
  } catch (err) {
    log.error(
      { err, decision: decision.type, doorIds: doors.map((d) => d.id) },
      'opening refused: it could not be recorded; the doors stay locked',
    );
    if (err instanceof AuditWriteError) throw err;
    throw new AuditWriteError('door stays locked: the opening could not be recorded', { cause: err });
  }
  // Committed: only now may the relays move, in this same call.
  return { decision: committed.event, doors: committed.steps.map((step) => drive(step, log)) };
}

function prepare(door: OpenableDoor, cause: UnlockCause, log: Logger): Step {
  try {
    return { doorId: door.id, prepared: door.prepareUnlock(cause) };
  } catch (err) {
    // An unwritten door.unlocked must abort the whole transaction, decision included.
    if (err instanceof AuditWriteError) throw err;
    log.error({ err, doorId: door.id }, 'door refused the opening; it stays locked');
    return { doorId: door.id, error: err };
  }
}

function drive(step: Step, log: Logger): DoorOutcome {
  if ('error' in step) return { doorId: step.doorId, opened: false, error: step.error };
  try {
    return { doorId: step.doorId, opened: true, result: step.prepared.drive() };
  } catch (err) {
    log.error({ err, doorId: step.doorId }, 'door could not be unlocked');
    return { doorId: step.doorId, opened: false, error: err };
  }
}

/** A door id no door answers to: refused like a door that cannot open, so the others still open. */
function missingDoor(id: string): OpenableDoor {
  return {
    id,
    prepareUnlock: () => {
      throw new NotFoundError(`door "${id}" is not on this panel`);
    },
  };
}

export interface DoorLookup {
  get(doorId: string): OpenableDoor | undefined;
}

/** openDoors on the panel's doors, by id: what every cause outside a door controller calls. */
export class DoorOpener {
  readonly #o: { doors: DoorLookup; audit: AuditLog; logger: Logger };

  constructor(options: { doors: DoorLookup; audit: AuditLog; logger: Logger }) {
    this.#o = options;
  }

  /** Callers refuse a door that is not on this panel before recording anything. */
  has(doorId: string): boolean {
    return this.#o.doors.get(doorId) !== undefined;
  }

  openFor(decision: OpeningDecision, doorIds: readonly string[], pulseMs?: number): Opening {
    const doors = doorIds.map((id) => this.#o.doors.get(id) ?? missingDoor(id));
    return openDoors(this.#o.audit, this.#o.logger, decision, doors, pulseMs);
  }

  /**
   * Opens one door. Throws NotFoundError (nothing written) for a door not on this panel, AuditWriteError
   * (nothing written) when the commit fails, or the door's own error when it refused or its relay failed
   * (the decision stays recorded; the door is locked).
   */
  openOne(decision: OpeningDecision, doorId: string, pulseMs?: number): UnlockResult {
    const door = this.#o.doors.get(doorId);
    if (!door) throw new NotFoundError(`door "${doorId}" is not on this panel`);
    const [outcome] = openDoors(this.#o.audit, this.#o.logger, decision, [door], pulseMs).doors;
    if (!outcome) throw new Error('openDoors returned no outcome for the door it was given');
    if (!outcome.opened) throw outcome.error;
    return outcome.result;
  }

  /** openOne, answered as a result: 'audit write failed' when nothing could be recorded. */
  tryOpen(decision: OpeningDecision, doorId: string, pulseMs?: number): OpenAttempt {
    try {
      this.openOne(decision, doorId, pulseMs);
      return { ok: true };
    } catch (err) {
      if (err instanceof AuditWriteError) return { ok: false, reason: 'audit write failed' };
      return { ok: false, reason: errorMessage(err).slice(0, 200) };
    }
  }
}
