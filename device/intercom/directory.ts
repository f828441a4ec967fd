/**
 * The doorbell directory as the panel uses it, computed from the synced rows alone (so it works offline)
 * at an injected instant:
 *  - `visibleDirectory`: the bells the screen lists. A separate bell of a hidden or removed resident is
 *    left out, so a hidden resident's name never reaches the screen; a unit bell shows its own text (the
 *    family or company name) and is left out only when it has nobody to ring. A family bell also carries
 *    the shown names of its residents who are not hidden, so a visitor finds it by a first name.
 *  - `panelSite`: the building and entrance the home screen names, and the language it starts in.
 *  - `bellTarget`: whom a bell rings, in order, with their app devices, phone numbers and hidden flags,
 *    for the router.
 *  - `appDeviceOwner`: the resident behind an app device id (the broker proves the id; this maps it).
 * A unit bell rings its members (ring order, reception group), or, when it lists none, every resident of
 * its unit. Removed residents are never rung.
 */
import type { Ringtone } from '../../cloud-sync/protocol/calls.ts';
import type { DirectoryEntry, DirectoryReply, PanelSite } from '../../cloud-sync/protocol/panel-api.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { DirectoryRows } from '../store/directory-lookup.ts';
import { type Bell, LOCAL_BUILDING_ID, type Resident } from '../store/snapshot.ts';
import { type HidingProfile, isHiddenAt } from './hidden.ts';
import type { BellRing, IntercomDirectory } from './ports.ts';
import type { BellTarget, Callee } from './types.ts';

export interface RoutedBell extends BellTarget {
  /** The door a resident may open during a call from this bell; null = none. */
  doorId: string | null;
}

// Numeric, so "Flat 2" sorts before "Flat 10"; base sensitivity, so case and accents do not split names.
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export function visibleDirectory(rows: DirectoryRows, now: number): DirectoryEntry[] {
  const ix = new DirectoryIndex(rows);
  const entries: (DirectoryEntry & { sortKey: number })[] = [];
  for (const bell of rows.bells) {
    const callees = ix.callees(bell, now);
    const shown =
      bell.type === 'separate' || bell.type === 'sequential'
        ? callees.some((c) => !c.hidden)
        : callees.length > 0;
    if (!shown) continue;
    const unit = ix.units.get(bell.unitId);
    const building = unit && ix.buildings.get(unit.buildingId);
    const owner = bell.type === 'separate' ? ix.residents.get(bell.residentId ?? '') : undefined;
    entries.push({
      bellId: bell.id,
      type: bell.type,
      displayText: bellText(bell, owner),
      picture: building?.picturesAllowed ? (owner?.picture ?? null) : null,
      // The store's foreign key keeps every bell's unit; the fallback only satisfies the map lookup.
      unitName: unit?.name ?? '',
      unitNumber: unit?.number ?? null,
      memberNames: bell.type === 'family' ? ix.shownNames(callees) : [],
      sortKey: bell.sortKey,
    });
  }
  entries.sort(
    (a, b) =>
      a.sortKey - b.sortKey ||
      collator.compare(a.displayText, b.displayText) ||
      byId({ id: a.bellId }, { id: b.bellId }),
  );
  return entries.map(({ sortKey: _, ...entry }) => entry);
}

/**
 * The building this panel serves: the one its bells' units are in (the snapshot may also hold the
 * buildings of residents from elsewhere with access here), else the first synced one; never the local
 * building that only holds doors the config names. Undefined before the first sync.
 */
export function panelBuilding(rows: DirectoryRows): DirectoryRows['buildings'][number] | undefined {
  const synced = rows.buildings.filter((b) => b.id !== LOCAL_BUILDING_ID);
  const ofBells = rows.units.find((u) => rows.bells.some((b) => b.unitId === u.id))?.buildingId;
  return synced.find((b) => b.id === ofBells) ?? synced[0];
}

/** Where the screen stands: the building (the panel's name before the first sync), the entrance, the language. */
export function panelSite(rows: DirectoryRows, panelName: string): PanelSite {
  const building = panelBuilding(rows);
  return {
    buildingName: building?.name ?? panelName,
    entranceName: panelName,
    defaultLanguage: building?.language ?? 'en',
  };
}

/** Throws NotFoundError for a bell this panel does not have. */
export function bellTarget(rows: DirectoryRows, bellId: string, now: number): RoutedBell {
  const bell = findBell(rows, bellId);
  return {
    bellId: bell.id,
    type: bell.type,
    callees: new DirectoryIndex(rows).callees(bell, now),
    ringTimeoutS: bell.ringTimeoutS,
    stepS: bell.stepS,
    doorId: bell.doorId,
  };
}

/** The active resident logged in on this app device, or undefined (unknown device, removed resident). */
export function appDeviceOwner(rows: DirectoryRows, appDeviceId: string): string | undefined {
  const device = rows.appDevices.find((d) => d.id === appDeviceId);
  if (!device) return undefined;
  const resident = rows.residents.find((r) => r.id === device.residentId);
  return resident?.status === 'active' ? resident.id : undefined;
}

/** The resident's ringtone on their app devices; the default for a resident the directory lacks. */
export function ringtoneOf(rows: DirectoryRows, residentId: string): Ringtone {
  return rows.residents.find((r) => r.id === residentId)?.ringtone ?? 'classic';
}

/**
 * The same functions over rows read fresh for each question (`() => store.directory.read()`), so a
 * synced change counts from the next ring on; also the intercom's directory port.
 */
export class PanelDirectory implements IntercomDirectory {
  readonly #rows: () => DirectoryRows;

  constructor(rows: () => DirectoryRows) {
    this.#rows = rows;
  }

  visibleDirectory(now: number): DirectoryEntry[] {
    return visibleDirectory(this.#rows(), now);
  }

  /** The screen's directory with its site, from one read of the rows. */
  directoryReply(panelName: string, now: number): DirectoryReply {
    const rows = this.#rows();
    return { site: panelSite(rows, panelName), bells: visibleDirectory(rows, now) };
  }

  bellTarget(bellId: string, now: number): RoutedBell {
    return bellTarget(this.#rows(), bellId, now);
  }

  bellRing(bellId: string, now: number): BellRing {
    const rows = this.#rows();
    const { doorId, ...target } = bellTarget(rows, bellId, now);
    const bell = findBell(rows, bellId);
    const owner = bell.residentId === null ? undefined : rows.residents.find((r) => r.id === bell.residentId);
    return { target, bellText: bellText(bell, owner), doorId };
  }

  appDeviceOwner(appDeviceId: string): string | undefined {
    return appDeviceOwner(this.#rows(), appDeviceId);
  }

  ringtoneOf(residentId: string): Ringtone {
    return ringtoneOf(this.#rows(), residentId);
  }

  /** The building this panel serves, as the phone fallback presents it (undefined before the first sync). */
  building(): DirectoryRows['buildings'][number] | undefined {
    return panelBuilding(this.#rows());
  }
}

function findBell(rows: DirectoryRows, bellId: string): Bell {
  const bell = rows.bells.find((b) => b.id === bellId);
  if (!bell) throw new NotFoundError(`no doorbell "${bellId}" on this panel`);
  return bell;
}

/** A separate bell shows the text its resident chose, when they chose one. */
function bellText(bell: Bell, owner: Resident | undefined): string {
  return (bell.type === 'separate' ? owner?.displayName : null) ?? bell.displayText;
}

class DirectoryIndex {
  readonly residents: Map<string, Resident>;
  readonly units: Map<string, DirectoryRows['units'][number]>;
  readonly buildings: Map<string, DirectoryRows['buildings'][number]>;
  readonly #rows: DirectoryRows;
  readonly #profiles: Map<string, HidingProfile>;
  readonly #devices = new Map<string, string[]>();

  constructor(rows: DirectoryRows) {
    this.#rows = rows;
    this.residents = new Map(rows.residents.map((r) => [r.id, r]));
    this.units = new Map(rows.units.map((u) => [u.id, u]));
    this.buildings = new Map(rows.buildings.map((b) => [b.id, b]));
    this.#profiles = new Map();
    for (const p of rows.timeProfiles) {
      const building = this.buildings.get(p.buildingId);
      if (building) this.#profiles.set(p.id, { timeZone: building.timeZone, intervals: p.intervals });
    }
    for (const d of [...rows.appDevices].sort(byId)) {
      const list = this.#devices.get(d.residentId) ?? [];
      list.push(d.id);
      this.#devices.set(d.residentId, list);
    }
  }

  /** Whom the bell rings, in ring order, as seen at `now`. */
  callees(bell: Bell, now: number): Callee[] {
    return this.#ringList(bell)
      .filter(({ resident }) => resident.status === 'active')
      .map(({ resident, ringS, via }) => ({
        residentId: resident.id,
        devices: this.#devices.get(resident.id) ?? [],
        hidden: isHiddenAt(resident, now, (id) => this.#profiles.get(id)),
        ...(ringS === null ? {} : { ringS }),
        // Dialed by the phone fallback when the resident has no app device.
        ...(resident.phone ? { phone: resident.phone } : {}),
        ...(via === 'phone' ? { via } : {}),
      }));
  }

  /** The shown names (display name, else name) of the callees who are not hidden, in ring order. */
  shownNames(callees: readonly Callee[]): string[] {
    const names: string[] = [];
    for (const callee of callees) {
      if (callee.hidden) continue;
      const resident = this.residents.get(callee.residentId);
      const shown = resident && (resident.displayName ?? resident.name);
      if (shown && !names.includes(shown)) names.push(shown);
    }
    return names;
  }

  #ringList(bell: Bell): { resident: Resident; ringS: number | null; via?: 'app' | 'phone' }[] {
    const found = (id: string | null) => (id === null ? undefined : this.residents.get(id));
    if (bell.type === 'separate') {
      const owner = found(bell.residentId);
      return owner ? [{ resident: owner, ringS: null }] : [];
    }
    const members = this.#rows.bellMembers
      .filter((m) => m.bellId === bell.id)
      .sort((a, b) => a.position - b.position || byId(a, b));
    if (members.length === 0) {
      return this.#rows.residents
        .filter((r) => r.unitId === bell.unitId)
        .sort(byId)
        .map((resident) => ({ resident, ringS: null }));
    }
    return members.flatMap((m) => {
      const resident = found(m.residentId);
      return resident ? [{ resident, ringS: m.ringS, via: m.via }] : [];
    });
  }
}
