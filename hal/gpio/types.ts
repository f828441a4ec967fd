/**
 * GPIO as the door controller sees it: relays it energizes and inputs whose debounced edges it watches.
 * A line is addressed by chip (label or number, e.g. "pinctrl-bcm2711" or "gpiochip0") and offset.
 */
export interface GpioLineRef {
  /** gpiochip label (e.g. "pinctrl-rp1") or device name ("gpiochip0"). */
  chip: string;
  /** Line offset within the chip (the BCM GPIO number on a Pi). */
  line: number;
}

export interface RelayOptions extends GpioLineRef {
  /** The relay board energizes its coil when the line is driven low. */
  activeLow: boolean;
}

export interface InputOptions extends GpioLineRef {
  /** The input reads 0 when the contact is active (typical with pull-ups). */
  activeLow: boolean;
  /** An edge is reported only after the level has been stable this long. */
  debounceMs: number;
}

export interface Relay {
  readonly name: string;
  /** Drives the coil. Synchronous so a lock command cannot be left pending behind I/O. */
  setEnergized(energized: boolean): void;
  isEnergized(): boolean;
  close(): void;
}

export interface InputChange {
  active: boolean;
  /** Monotonic ms at which the level became stable. */
  at: number;
}

export interface DigitalInput {
  readonly name: string;
  /** Debounced level; `active` already accounts for activeLow. */
  isActive(): boolean;
  /** Called on every debounced change. Returns an unsubscribe function. */
  onChange(listener: (change: InputChange) => void): () => void;
  close(): void;
}

export interface GpioDriver {
  readonly kind: string;
  /** Claims an output line and drives it de-energized before returning (relays come up locked). */
  openRelay(name: string, options: RelayOptions): Relay;
  openInput(name: string, options: InputOptions): DigitalInput;
  close(): void;
}
