/**
 * The audit events of software updates (device/update/), part of the payload map (payloads.ts). They go
 * through the outbox like every event, so progress and outcome survive the reboot an update ends in and
 * reach the hub whenever the link is up. Progress is throttled (device/update/progress-throttle.ts): a
 * handful of rows per update, never one per chunk.
 */

/** What an update is about; every update event carries it so the hub can file it without state. */
type Release = { releaseId: string; version: string };

export type UpdatePhase = 'downloading' | 'verifying' | 'installing' | 'rebooting';

/** Why an update failed; `detail` says more in words. */
export type UpdateFailure =
  | 'download_failed'
  | 'too_large'
  | 'no_space'
  | 'checksum_mismatch'
  | 'bundle_refused'
  | 'version_mismatch'
  | 'install_failed'
  | 'interrupted';

export type UpdatePayloads = {
  /** The update was accepted and started (`fromVersion`: what runs now). */
  'update.started': Release & { fromVersion: string };
  'update.progress': Release & { phase: UpdatePhase; percent?: number | undefined };
  /** Written to the inactive slot pair and armed for one trial boot; the reboot follows. */
  'update.installed': Release;
  'update.failed': Release & { reason: UpdateFailure; detail: string };
  /** After the trial boot the panel was healthy and made the new slot the primary. */
  'update.confirmed': Release & { slot: string };
  /** The trial boot did not prove healthy (or never came up): the old slot runs again. */
  'update.rolled_back': Release & { runningVersion: string; slot: string };
};
