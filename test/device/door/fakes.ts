/** Small in-memory stand-ins for the door controller's collaborators. */

import type { AuditEvent, AuditEventInput, AuditEventType, AuditLog } from '../../../device/audit/types.ts';
import type { DoorConfig } from '../../../device/config/schema.ts';
import { DoorController } from '../../../device/door/door-controller.ts';
import type { DigitalInput, InputChange, Relay } from '../../../hal/gpio/types.ts';
import { FakeClock } from '../../../lib/clock/fake-clock.ts';
import { silentLogger } from '../../../lib/log/logger.ts';
import { sampleEvent } from '../audit/sample-events.ts';

export class FakeAudit implements AuditLog {
  readonly events: AuditEvent[] = [];
  /** While true every append throws, as a full disk or a locked database would. */
  failing = false;
  readonly #clock: FakeClock;

  constructor(clock: FakeClock) {
    this.#clock = clock;
  }

  append<T extends AuditEventType>(input: AuditEventInput<T>): AuditEvent {
    if (this.failing) throw new Error('disk I/O error');
    const event: AuditEvent = {
      id: `ev-${this.events.length + 1}`,
      seq: this.events.length + 1,
      ts: this.#clock.now(),
      type: input.type,
      doorId: input.doorId ?? null,
      readerId: input.readerId ?? null,
      data: input.data ?? {},
    };
    this.events.push(event);
    return event;
  }

  transaction<T>(fn: () => T): T {
    const before = this.events.length;
    try {
      return fn();
    } catch (err) {
      this.events.length = before;
      throw err;
    }
  }

  after(seq: number, limit: number): AuditEvent[] {
    return this.events.filter((e) => e.seq > seq).slice(0, limit);
  }

  lastSeq(): number {
    return this.events.length;
  }

  ofType(type: AuditEvent['type'], doorId?: string): AuditEvent[] {
    return this.events.filter((e) => e.type === type && (doorId === undefined || e.doorId === doorId));
  }

  alarms(kind: 'alarm.raised' | 'alarm.cleared', doorId?: string): unknown[] {
    return this.ofType(kind, doorId).map((e) => e.data['alarm']);
  }
}

export interface RelayChange {
  energized: boolean;
  /** audit.lastSeq() at the moment the coil moved: proves what was recorded before it. */
  auditSeq: number;
  at: number;
}

export class FakeRelay implements Relay {
  readonly name: string;
  readonly changes: RelayChange[] = [];
  /** While true setEnergized throws, as a lost GPIO line would. */
  broken = false;
  /** Called before each accepted command (lets tests observe ordering against other fakes). */
  onSet: (energized: boolean) => void = () => {};
  #energized: boolean;
  readonly #audit: FakeAudit;
  readonly #clock: FakeClock;

  constructor(name: string, audit: FakeAudit, clock: FakeClock, energized = false) {
    this.name = name;
    this.#audit = audit;
    this.#clock = clock;
    this.#energized = energized;
  }

  setEnergized(energized: boolean): void {
    if (this.broken) throw new Error('EIO: line lost');
    this.onSet(energized);
    if (energized !== this.#energized) {
      this.changes.push({ energized, auditSeq: this.#audit.lastSeq(), at: this.#clock.monotonic() });
    }
    this.#energized = energized;
  }

  isEnergized(): boolean {
    return this.#energized;
  }

  close(): void {}
}

export class FakeInput implements DigitalInput {
  readonly name: string;
  #active: boolean;
  readonly #listeners = new Set<(change: InputChange) => void>();
  readonly #clock: FakeClock;

  constructor(name: string, clock: FakeClock, active = false) {
    this.name = name;
    this.#clock = clock;
    this.#active = active;
  }

  /** Reports a debounced edge to every listener (no-op when the level does not change). */
  set(active: boolean): void {
    if (active === this.#active) return;
    this.#active = active;
    for (const listener of [...this.#listeners]) listener({ active, at: this.#clock.monotonic() });
  }

  /** A press: active edge then release. */
  press(): void {
    this.set(true);
    this.set(false);
  }

  isActive(): boolean {
    return this.#active;
  }

  onChange(listener: (change: InputChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  listenerCount(): number {
    return this.#listeners.size;
  }

  close(): void {}
}

export function doorConfig(overrides: Partial<DoorConfig> = {}): DoorConfig {
  return {
    id: 'front',
    name: 'Front door',
    relay: { chip: 'gpiochip0', line: 17, activeLow: false },
    pulseMs: 5000,
    failMode: 'secure',
    heldOpenAfterS: 30,
    ...overrides,
  };
}

export interface Harness {
  clock: FakeClock;
  audit: FakeAudit;
  relay: FakeRelay;
  exit: FakeInput;
  contact: FakeInput;
  tamper: FakeInput;
  door: DoorController;
}

export interface HarnessOptions {
  door?: Partial<DoorConfig>;
  relockOnClose?: boolean;
  /** Share a clock and audit log between several doors. */
  clock?: FakeClock;
  audit?: FakeAudit;
  /** Initial relay level; a freshly opened relay is de-energized. */
  relayEnergized?: boolean;
  contactOpen?: boolean;
  tamperActive?: boolean;
}

/** A door with all three inputs wired, not yet started. */
export function makeDoor(options: HarnessOptions = {}): Harness {
  const clock = options.clock ?? new FakeClock(0);
  const audit = options.audit ?? new FakeAudit(clock);
  const config = doorConfig(options.door);
  const relay = new FakeRelay(`${config.id}-relay`, audit, clock, options.relayEnergized ?? false);
  const exit = new FakeInput(`${config.id}-exit`, clock);
  const contact = new FakeInput(`${config.id}-contact`, clock, options.contactOpen ?? false);
  const tamper = new FakeInput(`${config.id}-tamper`, clock, options.tamperActive ?? false);
  const door = new DoorController({
    door: config,
    relay,
    exitButton: exit,
    doorContact: contact,
    tamper,
    clock,
    audit,
    logger: silentLogger,
    relockOnClose: options.relockOnClose,
  });
  return { clock, audit, relay, exit, contact, tamper, door };
}

/** Records an access.granted decision the way the access module would, and returns its seq. */
export function grant(h: Harness): number {
  return h.audit.append(sampleEvent('access.granted', { doorId: h.door.id, readerId: 'r1' })).seq;
}
