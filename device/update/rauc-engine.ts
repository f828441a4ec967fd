/**
 * The update engine of a real panel: Debian's `rauc` CLI (talking to the RAUC service over D-Bus) and
 * the tryboot backend for the reboots (deploy/rauc/tryboot-backend, docs/image-layout.md).
 */
import { execFile, spawn } from 'node:child_process';
import { raucInfo } from '../../lib/rauc/rauc-info.ts';
import type { BundleInfo, SlotStatus, UpdateEngine } from './engine.ts';

export interface RaucEngineOptions {
  /** The keyring pinned in the read-only root. */
  keyring: string;
  /** deploy/rauc/tryboot-backend as installed. */
  backend: string;
  rauc?: string;
}

/** An install writes up to 1.1 GiB to an SD card: slow cards take minutes. */
const INSTALL_TIMEOUT_MS = 30 * 60_000;
const STATUS_TIMEOUT_MS = 30_000;

export class RaucEngine implements UpdateEngine {
  readonly #o: Required<RaucEngineOptions>;

  constructor(options: RaucEngineOptions) {
    this.#o = { rauc: 'rauc', ...options };
  }

  verify(bundlePath: string): Promise<BundleInfo> {
    return raucInfo(bundlePath, this.#o.keyring, this.#o.rauc);
  }

  install(bundlePath: string, onProgress: (percent: number) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.#o.rauc, ['install', '--', bundlePath], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: INSTALL_TIMEOUT_MS,
      });
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        // `rauc install` prints lines like " 42% Copying image to rootfs.1".
        for (const m of chunk.matchAll(/(\d{1,3})%/g)) onProgress(Math.min(100, Number(m[1])));
      });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code === 0) resolve();
        else reject(new Error(lastLine(stderr) || `rauc install exited with ${code}`));
      });
    });
  }

  async status(): Promise<SlotStatus> {
    const out = await run(this.#o.rauc, ['status', '--output-format=json']);
    const s = JSON.parse(out) as { booted?: unknown; boot_primary?: unknown };
    if (typeof s.booted !== 'string') throw new Error('rauc status names no booted slot');
    // RAUC's boot_primary follows an armed trial; the firmware's [all] primary is the backend's to say.
    const onTrial = await run(this.#o.backend, ['on-trial']).then(
      () => true,
      () => false,
    );
    return { booted: s.booted, primary: onTrial ? otherSlot(s.booted) : s.booted };
  }

  async markGood(): Promise<void> {
    await run(this.#o.rauc, ['status', 'mark-good', 'booted']);
  }

  async markBad(): Promise<void> {
    await run(this.#o.rauc, ['status', 'mark-bad', 'booted']);
  }

  async rebootToTrial(): Promise<void> {
    await run(this.#o.backend, ['reboot-try']);
  }

  async reboot(): Promise<void> {
    await run(this.#o.backend, ['reboot']);
  }
}

function otherSlot(slot: string): string {
  return slot === 'A' ? 'B' : 'A';
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: STATUS_TIMEOUT_MS }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${lastLine(stderr) || err.message}`));
      else resolve(stdout);
    });
  });
}
