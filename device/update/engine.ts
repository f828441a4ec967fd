/**
 * What the updater needs from an update system, as one interface with drivers picked by config
 * (drivers.ts): `rauc` runs Debian's RAUC on a panel; `sim` is a real implementation for tests and the
 * simulator that checks bundles with the same keyring (through `rauc info`) and keeps its "slots" in a
 * file. The A/B slots are named by their bootnames (A, B).
 */
import type { BundleInfo } from '../../lib/rauc/rauc-info.ts';

export { type BundleInfo, BundleRefusedError } from '../../lib/rauc/rauc-info.ts';

export interface SlotStatus {
  /** The slot this system runs from. */
  booted: string;
  /** The slot ordinary boots start (the firmware's primary): booted ≠ primary means a trial boot. */
  primary: string;
}

export interface UpdateEngine {
  /** Checks the signature and reads the manifest; throws BundleRefusedError. */
  verify(bundlePath: string): Promise<BundleInfo>;
  /**
   * Installs into the inactive slot pair and arms it for one trial boot; `onProgress` gets 0–100.
   * RAUC verifies the bundle again itself. Throws with RAUC's reason; the running slots are untouched.
   */
  install(bundlePath: string, onProgress: (percent: number) => void): Promise<void>;
  status(): Promise<SlotStatus>;
  /** The booted slot is healthy: it becomes the primary. */
  markGood(): Promise<void>;
  /** The booted trial slot is not healthy: disarm it, so the next boot starts the primary. */
  markBad(): Promise<void>;
  /** Restart into the trial slot once (Pi: tryboot); ends this process on a real panel. */
  rebootToTrial(): Promise<void>;
  /** Restart into the primary (after markBad: the rollback). */
  reboot(): Promise<void>;
  /**
   * The version the booted slot holds, when the engine knows better than the running code (the sim's
   * slots). A real panel's version is its own package version + build (/etc/portvakt/version).
   */
  runningVersion?(): string;
}
