/**
 * A real update engine without slots, for tests and the simulator: bundles are checked with `rauc info`
 * against the same kind of keyring a panel pins (so an unsigned, corrupt or wrongly signed bundle is
 * refused exactly as on a panel), and the A/B state — which slot runs, which is primary, which is armed
 * for a trial, what version each holds — is a small JSON file. A "reboot" moves the state the way the
 * firmware would and calls `onReboot` (the test or the simulator restarts the panel).
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../lib/fs/atomic-file.ts';
import { raucInfo } from '../../lib/rauc/rauc-info.ts';
import type { BundleInfo, SlotStatus, UpdateEngine } from './engine.ts';

export interface SimSlotState {
  booted: 'A' | 'B';
  primary: 'A' | 'B';
  /** Armed for one trial boot. */
  trial: 'A' | 'B' | null;
  versions: { A: string | null; B: string | null };
}

export interface SimEngineOptions {
  keyring: string;
  /** The state file; created with slot A primary on first use. */
  stateFile: string;
  /** The version slot A holds when the state file is created. */
  initialVersion: string;
  onReboot?: (kind: 'trial' | 'primary') => void;
  rauc?: string;
}

export class SimEngine implements UpdateEngine {
  readonly #o: SimEngineOptions;

  constructor(options: SimEngineOptions) {
    this.#o = options;
  }

  verify(bundlePath: string): Promise<BundleInfo> {
    return raucInfo(bundlePath, this.#o.keyring, this.#o.rauc);
  }

  async install(bundlePath: string, onProgress: (percent: number) => void): Promise<void> {
    // RAUC checks the signature again before writing: so does the sim.
    const info = await this.verify(bundlePath);
    const s = this.state();
    const target = s.booted === 'A' ? 'B' : 'A';
    for (const p of [0, 50, 100]) onProgress(p);
    this.#save({ ...s, trial: target, versions: { ...s.versions, [target]: info.version } });
  }

  async status(): Promise<SlotStatus> {
    const s = this.state();
    return { booted: s.booted, primary: s.primary };
  }

  async markGood(): Promise<void> {
    const s = this.state();
    this.#save({ ...s, primary: s.booted, trial: s.trial === s.booted ? null : s.trial });
  }

  async markBad(): Promise<void> {
    const s = this.state();
    if (s.booted === s.primary) throw new Error('refusing to mark the running primary slot bad');
    this.#save({ ...s, trial: null });
  }

  async rebootToTrial(): Promise<void> {
    const s = this.state();
    this.#save({ ...s, booted: s.trial ?? s.primary, trial: null });
    this.#o.onReboot?.('trial');
  }

  async reboot(): Promise<void> {
    this.#save({ ...this.state(), booted: this.state().primary, trial: null });
    this.#o.onReboot?.('primary');
  }

  /** The version the booted slot holds (what a panel's root file system would say). */
  runningVersion(): string {
    const s = this.state();
    return s.versions[s.booted] ?? this.#o.initialVersion;
  }

  state(): SimSlotState {
    try {
      return JSON.parse(readFileSync(this.#o.stateFile, 'utf8')) as SimSlotState;
    } catch {
      return { booted: 'A', primary: 'A', trial: null, versions: { A: this.#o.initialVersion, B: null } };
    }
  }

  #save(state: SimSlotState): void {
    writeFileAtomic(this.#o.stateFile, `${JSON.stringify(state)}\n`);
  }
}
