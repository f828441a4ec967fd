/**
 * Keeps the SIP edge's database in step with the hub: each panel's account, and the numbers it may call —
 * its building's active residents' phones (no open relay). Every admin or resident write that changes them
 * (a resident created, edited, moved or removed, a phone number changed in the app, a CSV import, a panel
 * added, moved or removed, a unit moved) names the buildings it touched; once the hub's own transaction
 * has committed, each of those buildings is recomputed and written in one transaction of the edge
 * database. The edge is a copy: a failed write is logged and retried with backoff, and never fails or
 * delays the admin write. `resyncAll` (at start, and when another process — the CLI — changed the hub's
 * database) rewrites everything, so a lost write heals.
 */
import type { Clock, TimerHandle } from '../../../lib/clock/clock.ts';
import { errorMessage } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/log/logger.ts';
import { type EntityChange, isChangeOf } from '../store/entities.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { EdgeDb } from '../store/sip-edge-db.ts';

/** Retry delays after a failed edge write: doubling from the first to the last. */
export const EDGE_RETRY_MS = { initial: 1000, max: 60_000 } as const;

/** Every building (a change whose buildings cannot be told). */
const ALL = Symbol('all buildings');
type Dirty = Set<string> | typeof ALL;

export class EdgeSync {
  readonly #store: HubStore;
  readonly #edge: EdgeDb;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Buildings waiting to be written (after a commit, or after a failed write). */
  #dirty: Dirty = new Set();
  #scheduled = false;
  #retry: TimerHandle | undefined;
  #retryMs: number = EDGE_RETRY_MS.initial;
  #stopped = false;
  /** Completed edge writes and failed attempts (tests and health). */
  readonly stats = { writes: 0, failures: 0 };

  constructor(options: { store: HubStore; edge: EdgeDb; clock: Clock; logger: Logger }) {
    this.#store = options.store;
    this.#edge = options.edge;
    this.#clock = options.clock;
    this.#logger = options.logger.child({ component: 'sip-edge-sync' });
  }

  /** Registers with the entities repository; call once. */
  start(): void {
    this.#store.entities.onChange((changes) => {
      const touched = this.#buildingsOf(changes);
      if (touched !== ALL && touched.size === 0) return undefined;
      return () => this.sync(touched === ALL ? undefined : touched);
    });
  }

  /** Rewrites every building and drops the rows of panels the hub no longer has. */
  resyncAll(): void {
    this.sync(undefined);
  }

  /**
   * Marks buildings (undefined: all) for writing. The write runs in a microtask: after the caller's
   * transaction — even an outer one the change was made inside — has ended, and once for a burst.
   */
  sync(buildingIds: Iterable<string> | undefined): void {
    if (this.#stopped) return;
    if (buildingIds === undefined) this.#dirty = ALL;
    else if (this.#dirty !== ALL) for (const id of buildingIds) this.#dirty.add(id);
    if (this.#scheduled || this.#retry !== undefined) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#retry);
    this.#retry = undefined;
  }

  #flush(): void {
    if (this.#stopped) return;
    const dirty = this.#dirty;
    this.#dirty = new Set();
    const failed = new Set<string>();
    let lastError: unknown;
    try {
      const buildingIds = dirty === ALL ? this.#store.sip.buildingIds() : [...dirty].sort();
      for (const buildingId of buildingIds) {
        try {
          this.#edge.writeBuilding(this.#store.sip.edgeRows(buildingId));
          this.stats.writes++;
        } catch (err) {
          failed.add(buildingId);
          lastError = err;
        }
      }
      // Removed panels belong to no building any more: their rows go whatever was marked.
      const removed = this.#edge.removePanelsExcept(this.#store.sip.panelIds());
      if (removed > 0) this.#logger.info({ removed }, 'removed SIP edge accounts of removed panels');
    } catch (err) {
      // Reading the hub or the cleanup failed: everything marked is retried.
      lastError = err;
      if (dirty === ALL) this.#dirty = ALL;
      else for (const id of dirty) failed.add(id);
    }
    if (lastError === undefined && failed.size === 0) {
      this.#retryMs = EDGE_RETRY_MS.initial;
      return;
    }
    this.stats.failures++;
    if (this.#dirty !== ALL) for (const id of failed) this.#dirty.add(id);
    this.#logger.error(
      { buildings: failed.size || 'all', retryInMs: this.#retryMs, err: errorMessage(lastError) },
      'SIP edge database write failed; retrying (admin changes are not affected)',
    );
    this.#retry = this.#clock.setTimeout(() => {
      this.#retry = undefined;
      this.#flush();
    }, this.#retryMs);
    this.#retryMs = Math.min(this.#retryMs * 2, EDGE_RETRY_MS.max);
  }

  /** The buildings whose edge rows a write may have changed, read inside its transaction. */
  #buildingsOf(changes: readonly EntityChange[]): Dirty {
    const buildings = new Set<string>();
    try {
      for (const change of changes) {
        if (isChangeOf(change, 'buildings')) buildings.add(change.id);
        else if (isChangeOf(change, 'panels') || isChangeOf(change, 'units')) {
          if (change.before) buildings.add(change.before.buildingId);
          if (change.after) buildings.add(change.after.buildingId);
        } else if (isChangeOf(change, 'residents')) {
          const { before, after } = change;
          const same =
            before &&
            after &&
            before.unitId === after.unitId &&
            before.phone === after.phone &&
            before.status === after.status;
          if (same) continue;
          for (const unitId of [before?.unitId, after?.unitId]) {
            if (unitId === undefined) continue;
            const buildingId = this.#store.sip.buildingOfUnit(unitId);
            // A unit gone in the same write: its building cannot be told, so all are rewritten.
            if (buildingId === undefined) return ALL;
            buildings.add(buildingId);
          }
        }
      }
    } catch {
      return ALL;
    }
    return buildings;
  }
}
