/**
 * What panels report about their config (`config/reported`), and what the hub does with it:
 *
 * - a panel that reports a version the hub never published for it holds config the hub did not issue
 *   (forged before config was signed, or ahead of a hub restored from a backup): the hub raises an alarm
 *   (logged, and in the panel's admin status) and, when the panel is in the hub's epoch, starts a new
 *   epoch for it, whose snapshot replaces the panel's config whatever version it claims;
 * - callers waiting for a change to be in force (`?wait=` on admin changes) are told when each panel has
 *   reported it.
 */
import type { Clock } from '../../../lib/clock/clock.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import type { ConfigReportedMessage } from '../../protocol/messages.ts';
import type { HubStore } from '../store/hub-store.ts';

/** A config version one change produced for one panel. */
export interface PanelVersion {
  panelId: string;
  version: number;
}

export interface NotApplied extends PanelVersion {
  reportedVersion: number | null;
  /** offline: the panel is not connected (it applies the change when it comes back); behind: it is. */
  reason: 'offline' | 'behind';
}

export interface ApplyOutcome {
  applied: PanelVersion[];
  notApplied: NotApplied[];
}

/** The longest an admin request may wait for panels. */
export const MAX_APPLY_WAIT_MS = 30_000;

export class ConfigReports {
  readonly #store: HubStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #bumpEpoch: (panelId: string) => void;
  readonly #waiters = new Set<() => void>();

  constructor(options: {
    store: HubStore;
    clock: Clock;
    logger: Logger;
    bumpEpoch: (panelId: string) => void;
  }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#bumpEpoch = options.bumpEpoch;
  }

  handle(panelId: string, message: ConfigReportedMessage): void {
    const store = this.#store;
    store.panels.saveReported(panelId, message);
    const published = store.pendingPatches.currentVersion(panelId) ?? null;
    if (message.version > (published ?? 0)) {
      const isNew = store.panels.raiseConfigAlarm(panelId, {
        reportedVersion: message.version,
        publishedVersion: published,
        at: this.#clock.now(),
      });
      if (isNew) {
        this.#logger.error(
          { panelId, reportedVersion: message.version, publishedVersion: published, epoch: message.epoch },
          'ALARM: panel reports a config version the hub never published for it',
        );
        // A panel still in an older epoch gets the current epoch's snapshot anyway; one without epochs
        // (older software) cannot be recovered this way.
        const hubEpoch = store.panels.epoch(panelId);
        if (message.epoch !== undefined && hubEpoch !== undefined && message.epoch >= hubEpoch)
          this.#bumpEpoch(panelId);
      }
    } else if (store.panels.clearConfigAlarm(panelId, this.#clock.now()))
      this.#logger.warn({ panelId, version: message.version }, 'panel config back on a published version');
    const doors = store.panels.view(panelId).doors;
    if (doors && (doors.missingOnPanel.length > 0 || doors.unknownAtHub.length > 0))
      this.#logger.warn(
        { panelId, missingOnPanel: doors.missingOnPanel, unknownAtHub: doors.unknownAtHub },
        "panel's wired doors differ from its doors at the hub (GET /api/v1/panels/{id}: doors)",
      );
    for (const wake of [...this.#waiters]) wake();
  }

  /**
   * Resolves when every online panel of `targets` has reported its version (or a later one), or after
   * `timeoutMs`, naming the panels that have not: offline ones are not waited for.
   */
  async waitApplied(targets: readonly PanelVersion[], timeoutMs: number): Promise<ApplyOutcome> {
    const wait = Math.min(Math.max(0, timeoutMs), MAX_APPLY_WAIT_MS);
    let outcome = this.#outcome(targets);
    if (wait === 0 || outcome.notApplied.every((p) => p.reason === 'offline')) return outcome;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#waiters.delete(check);
        this.#clock.clearTimeout(timer);
        resolve();
      };
      const check = () => {
        outcome = this.#outcome(targets);
        if (outcome.notApplied.every((p) => p.reason === 'offline')) done();
      };
      const timer = this.#clock.setTimeout(done, wait);
      this.#waiters.add(check);
    });
    return this.#outcome(targets);
  }

  #outcome(targets: readonly PanelVersion[]): ApplyOutcome {
    const outcome: ApplyOutcome = { applied: [], notApplied: [] };
    for (const target of targets) {
      const view = this.#store.panels.view(target.panelId);
      const reported = view.config.reportedVersion;
      // A panel under the unpublished-version alarm reports numbers that prove nothing.
      const alarmed = view.config.alarm !== null && view.config.alarm.clearedAt === null;
      if (!alarmed && reported !== null && reported >= target.version) outcome.applied.push(target);
      else
        outcome.notApplied.push({
          ...target,
          reportedVersion: reported,
          reason: view.online ? 'behind' : 'offline',
        });
    }
    return outcome;
  }
}
