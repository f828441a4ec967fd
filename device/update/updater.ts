/**
 * One software update at a time, from a verified `update.install` command to the reboot, and the
 * report after it. Doors never wait for an update: nothing here runs on the card or exit path, the
 * download and RAUC run beside it, and the reboot waits (bounded) for a call in progress to end.
 *
 * Every step is an audit event through the outbox, so the hub hears progress and outcome even across the
 * reboot: update.started, update.progress (throttled), update.installed or update.failed; after the reboot
 * update.confirmed (healthy on the new slot, made primary) or update.rolled_back (the old slot runs).
 */
import { statfsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { UpdateStartResult } from '../../cloud-sync/agent/ports.ts';
import { PANEL_COMPATIBLE, type UpdateInstallCommand } from '../../cloud-sync/protocol/update-command.ts';
import type { Clock } from '../../lib/clock/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import { ensurePrivateDir } from '../../lib/fs/private-files.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { UpdateFailure, UpdatePhase } from '../audit/update-payloads.ts';
import { DATA_RESERVE_BYTES, DownloadError, downloadBundle } from './download.ts';
import { BundleRefusedError, type UpdateEngine } from './engine.ts';
import { PendingUpdateFile } from './pending-update.ts';
import { ProgressThrottle } from './progress-throttle.ts';
import { compareVersions } from './version.ts';

/** The longest a reboot waits for a call to end: an update is not postponed forever by a chatty door. */
export const REBOOT_WAIT_MAX_MS = 10 * 60_000;
const REBOOT_POLL_MS = 5_000;

export interface UpdaterOptions {
  engine: UpdateEngine;
  /** On the data partition: the download and the pending record. */
  dir: string;
  runningVersion: string;
  compatible?: string;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** True while a call is in progress: the reboot waits for it (at most rebootWaitMaxMs). */
  busy?: () => boolean;
  rebootWaitMaxMs?: number;
  reserveBytes?: number;
}

type Release = { releaseId: string; version: string };

export class Updater {
  readonly #o: UpdaterOptions;
  readonly #pending: PendingUpdateFile;
  #running: Promise<void> | undefined;

  constructor(options: UpdaterOptions) {
    this.#o = options;
    this.#pending = new PendingUpdateFile(join(options.dir, 'pending.json'));
  }

  /** Checks at once, then runs the update in the background. Never throws. */
  start(cmd: UpdateInstallCommand): UpdateStartResult {
    if (this.#running) return { ok: false, reason: 'busy', detail: 'an update is already in progress' };
    if (this.#pending.read())
      return { ok: false, reason: 'busy', detail: 'an installed update waits for its reboot or report' };
    const from = this.#runningVersion();
    if (!cmd.allowDowngrade && compareVersions(cmd.version, from) < 0)
      return { ok: false, reason: 'downgrade', detail: `${cmd.version} is older than the running ${from}` };
    try {
      ensurePrivateDir(this.#o.dir);
      const s = statfsSync(this.#o.dir);
      const free = s.bavail * s.bsize;
      const reserve = this.#o.reserveBytes ?? DATA_RESERVE_BYTES;
      if (free < cmd.sizeBytes + reserve)
        return {
          ok: false,
          reason: 'no_space',
          detail: `${cmd.sizeBytes} bytes do not fit: ${free} free, ${reserve} stay reserved for data`,
        };
    } catch (err) {
      return { ok: false, reason: 'no_space', detail: `the update folder is unusable: ${errorMessage(err)}` };
    }
    const release = { releaseId: cmd.releaseId, version: cmd.version };
    this.#o.audit.append({ type: 'update.started', data: { ...release, fromVersion: from } });
    this.#running = this.#run(cmd, release).finally(() => {
      this.#running = undefined;
    });
    return { ok: true };
  }

  /** Resolves when no update runs (tests, shutdown). */
  async idle(): Promise<void> {
    await this.#running;
  }

  /**
   * Called once the panel is healthy after a start (ready, store open, relays claimed): a trial boot of an
   * installed update is made permanent and reported; a start on the old slot after an installed update is
   * reported as its rollback. Never throws.
   */
  async confirmAfterBoot(): Promise<void> {
    const pending = this.#pending.read();
    if (!pending) return;
    const release = { releaseId: pending.releaseId, version: pending.version };
    try {
      const status = await this.#o.engine.status();
      if (status.booted === pending.targetSlot) {
        await this.#o.engine.markGood();
        this.#o.audit.append({ type: 'update.confirmed', data: { ...release, slot: status.booted } });
        this.#o.logger.info({ ...release, slot: status.booted }, 'update confirmed');
      } else {
        this.#o.audit.append({
          type: 'update.rolled_back',
          data: { ...release, runningVersion: this.#runningVersion(), slot: status.booted },
        });
        this.#o.logger.warn({ ...release, slot: status.booted }, 'update rolled back: the old slot runs');
      }
      this.#pending.clear();
    } catch (err) {
      // Left pending: the guard rolls back an unconfirmed trial, and the next start reports it.
      this.#o.logger.error({ err: errorMessage(err) }, 'update confirmation failed');
    }
  }

  async #run(cmd: UpdateInstallCommand, release: Release): Promise<void> {
    const bundle = join(this.#o.dir, 'bundle.raucb');
    try {
      const download = this.#progress(release, 'downloading');
      await downloadBundle({
        url: cmd.url,
        sha256: cmd.sha256,
        sizeBytes: cmd.sizeBytes,
        path: bundle,
        onProgress: download,
      });
      this.#phase(release, 'verifying');
      const info = await this.#o.engine.verify(bundle);
      const compatible = this.#o.compatible ?? PANEL_COMPATIBLE;
      if (info.compatible !== compatible)
        throw new DownloadError(
          'bundle_refused',
          `bundle is for "${info.compatible}", this panel is "${compatible}"`,
        );
      if (info.version !== cmd.version)
        throw new DownloadError(
          'version_mismatch',
          `bundle says ${info.version}, the command ${cmd.version}`,
        );
      const before = await this.#o.engine.status();
      const installing = this.#progress(release, 'installing');
      await this.#o.engine.install(bundle, installing);
      this.#pending.write({
        ...release,
        fromVersion: this.#runningVersion(),
        fromSlot: before.booted,
        targetSlot: before.booted === 'A' ? 'B' : 'A',
        installedAt: this.#o.clock.now(),
      });
      this.#o.audit.append({ type: 'update.installed', data: release });
    } catch (err) {
      this.#fail(release, err);
      return;
    } finally {
      await rm(bundle, { force: true });
    }
    await this.#waitForQuiet();
    this.#phase(release, 'rebooting');
    try {
      await this.#o.engine.rebootToTrial();
    } catch (err) {
      this.#o.logger.error({ err: errorMessage(err) }, 'reboot into the new slot failed');
    }
  }

  #runningVersion(): string {
    return this.#o.engine.runningVersion?.() ?? this.#o.runningVersion;
  }

  #fail(release: Release, err: unknown): void {
    const reason: UpdateFailure =
      err instanceof DownloadError
        ? err.reason
        : err instanceof BundleRefusedError
          ? 'bundle_refused'
          : 'install_failed';
    const detail = errorMessage(err).slice(0, 200);
    this.#o.logger.warn({ ...release, reason, detail }, 'update failed');
    this.#o.audit.append({ type: 'update.failed', data: { ...release, reason, detail } });
  }

  #phase(release: Release, phase: UpdatePhase): void {
    this.#o.audit.append({ type: 'update.progress', data: { ...release, phase } });
  }

  #progress(release: Release, phase: UpdatePhase): (percent: number) => void {
    const throttle = new ProgressThrottle();
    return (percent) => {
      const step = throttle.step(percent);
      if (step !== undefined)
        this.#o.audit.append({ type: 'update.progress', data: { ...release, phase, percent: step } });
    };
  }

  /** Waits while a call is in progress, polling on the panel's clock, at most rebootWaitMaxMs. */
  async #waitForQuiet(): Promise<void> {
    const { busy, clock } = this.#o;
    if (!busy) return;
    const until = clock.monotonic() + (this.#o.rebootWaitMaxMs ?? REBOOT_WAIT_MAX_MS);
    while (busy() && clock.monotonic() < until) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, REBOOT_POLL_MS));
    }
  }
}
