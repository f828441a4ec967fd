/**
 * Builds one DoorController per configured door from the GPIO driver. `lockAll()` is the first thing the
 * panel does after claiming the relays, before any input, reader or network module exists.
 */

import type { DigitalInput, GpioDriver } from '../../hal/gpio/types.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { DoorConfig, InputConfig } from '../config/schema.ts';
import { DoorController } from './door-controller.ts';

export const INPUT_ROLES = ['exitButton', 'doorContact', 'tamper'] as const;
export type InputRole = (typeof INPUT_ROLES)[number];

export function inputId(doorId: string, role: InputRole): string {
  return `${doorId}.${role}`;
}

/** An input as installer mode's live view reads it (the door controller watches the same line). */
export interface DoorInput {
  id: string;
  doorId: string;
  role: InputRole;
  input: DigitalInput;
}

export class Doors {
  readonly #controllers = new Map<string, DoorController>();
  readonly #inputs: DoorInput[] = [];

  /**
   * Claims every relay, then every input, then drives each door locked — all synchronously, so nothing
   * else runs before the doors are secured. Controllers watch their inputs only once start() is called.
   */
  static claimAndLock(deps: {
    doors: readonly DoorConfig[];
    gpio: GpioDriver;
    clock: Clock;
    audit: AuditLog;
    logger: Logger;
  }): Doors {
    const doors = new Doors();
    const relays = deps.doors.map((door) => deps.gpio.openRelay(`${door.id}.relay`, door.relay));
    deps.doors.forEach((door, i) => {
      const inputs: Partial<Record<InputRole, DigitalInput>> = {};
      for (const role of INPUT_ROLES) {
        const cfg: InputConfig | undefined = door[role];
        if (!cfg) continue;
        const input = deps.gpio.openInput(inputId(door.id, role), cfg);
        inputs[role] = input;
        doors.#inputs.push({ id: inputId(door.id, role), doorId: door.id, role, input });
      }
      const controller = new DoorController({
        door,
        relay: relays[i]!,
        ...inputs,
        clock: deps.clock,
        audit: deps.audit,
        logger: deps.logger,
      });
      doors.#controllers.set(door.id, controller);
    });
    // Every door is driven locked even when an earlier one fails, then the first failure is reported.
    let failure: unknown;
    for (const controller of doors.#controllers.values()) {
      try {
        controller.lockNow();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
    return doors;
  }

  start(): void {
    for (const c of this.#controllers.values()) c.start();
  }

  stop(): void {
    for (const c of this.#controllers.values()) c.stop();
  }

  get(doorId: string): DoorController | undefined {
    return this.#controllers.get(doorId);
  }

  all(): DoorController[] {
    return [...this.#controllers.values()];
  }

  /** Every wired input (exit buttons, contacts, tamper switches), in config order. */
  inputs(): readonly DoorInput[] {
    return this.#inputs;
  }

  /** Drives every door locked now (ending pulses); tries them all, then throws the first failure. */
  lockAll(): void {
    let failure: unknown;
    for (const controller of this.#controllers.values()) {
      try {
        controller.lockNow();
      } catch (err) {
        failure ??= err;
      }
    }
    if (failure) throw failure;
  }
}
