import type { Relay } from '../../hal/gpio/types.ts';
import type { DoorConfig } from '../config/schema.ts';

/**
 * The only place that knows which relay level means "locked": a fail-secure strike is locked unpowered,
 * a fail-safe maglock is locked powered. Everything else in the door module speaks lock/unlock.
 */
export class LockDrive {
  readonly #relay: Relay;
  readonly #lockedLevel: boolean;

  constructor(relay: Relay, failMode: DoorConfig['failMode']) {
    this.#relay = relay;
    this.#lockedLevel = failMode === 'safe';
  }

  /** Always drives the line, even if it already reads locked: re-asserting is harmless, trusting a stale read is not. */
  lock(): void {
    this.#relay.setEnergized(this.#lockedLevel);
  }

  unlock(): void {
    this.#relay.setEnergized(!this.#lockedLevel);
  }

  /** A relay that cannot even report its level is not known to be locked. */
  isLocked(): boolean {
    try {
      return this.#relay.isEnergized() === this.#lockedLevel;
    } catch {
      return false;
    }
  }
}
