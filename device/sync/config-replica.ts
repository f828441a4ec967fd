/**
 * ConfigReplica on the store: the building data and its version change in one SQLite transaction, so an
 * access decision (which reads in its own implicit transaction) sees the old config or the new one.
 */
import type { ConfigReplica, HubKeyStore } from '../../cloud-sync/agent/ports.ts';
import type { ConfigPatchMessage } from '../../cloud-sync/protocol/messages.ts';
import { ValidationError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/log/logger.ts';
import type { AuditLog } from '../audit/types.ts';
import type { BuildingSnapshotInput } from '../store/snapshot.ts';
import type { Store } from '../store/store.ts';

export class StoreConfigReplica implements ConfigReplica {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #log: Logger;
  /** The door difference last recorded (JSON), so each change is audited once; undefined: none yet. */
  #doorMismatch: string | undefined;

  constructor(store: Store, audit: AuditLog, logger: Logger) {
    this.#store = store;
    this.#audit = audit;
    this.#log = logger;
  }

  version(): number {
    return this.#store.sync.configVersion();
  }

  epoch(): number {
    return this.#store.sync.configEpoch();
  }

  applySnapshot(stamp: { epoch: number; version: number }, data: unknown): void {
    const { sync, buildingData } = this.#store;
    const { epoch, version } = stamp;
    this.#store.transaction(() => {
      // The agent checks this too; here it guards the invariant for any other caller.
      const current = sync.configVersion();
      const currentEpoch = sync.configEpoch();
      if (!(epoch > currentEpoch || (epoch === currentEpoch && version > current)))
        throw new ValidationError(
          `version ${version} of epoch ${epoch} is not newer than ${current} of epoch ${currentEpoch}`,
        );
      buildingData.replaceBuildingData(data as BuildingSnapshotInput);
      sync.setConfigVersion(version);
      sync.setConfigEpoch(epoch);
    });
    this.#applied(version, 'snapshot', epoch);
  }

  applyPatch(patch: ConfigPatchMessage): void {
    const { sync, buildingPatch } = this.#store;
    this.#store.transaction(() => {
      const current = sync.configVersion();
      if (patch.epoch !== sync.configEpoch())
        throw new ValidationError(`patch is of epoch ${patch.epoch}, the panel has ${sync.configEpoch()}`);
      if (patch.baseVersion !== current)
        throw new ValidationError(`patch is based on version ${patch.baseVersion}, the panel has ${current}`);
      buildingPatch.apply(patch);
      sync.setConfigVersion(patch.version);
    });
    this.#applied(patch.version, 'patch', patch.epoch);
  }

  /**
   * Wired doors for config/reported. Compares them with the synced config's doors of this panel first:
   * a difference (or its end) is logged and recorded as `config.door_mismatch`, once per change.
   */
  reportDoors(): string[] {
    const { wired, hubOnly, panelOnly } = this.#store.hardware.doorMatch();
    if (this.version() === 0) return wired;
    const key = JSON.stringify([hubOnly, panelOnly]);
    const agree = hubOnly.length === 0 && panelOnly.length === 0;
    // At start, agreement is not news; a difference is, every start.
    if (key !== this.#doorMismatch && !(this.#doorMismatch === undefined && agree)) {
      if (agree) this.#log.info({}, "the hub's doors for this panel match the wired doors again");
      else
        this.#log.warn(
          { hubOnly, panelOnly },
          'door mismatch: the hub has doors not wired in the device config (hubOnly), or the device config wires doors the hub does not know (panelOnly); cards are never granted there',
        );
      this.#audit.append({ type: 'config.door_mismatch', data: { hubOnly, panelOnly } });
    }
    this.#doorMismatch = key;
    return wired;
  }

  #applied(version: number, kind: 'snapshot' | 'patch', epoch: number): void {
    // After the commit: the change stands even if this record fails.
    try {
      this.#audit.append({ type: 'config.applied', data: { version, kind, epoch } });
    } catch (err) {
      this.#log.error({ err, version }, 'could not audit an applied config');
    }
  }
}

/** The learned hub keys in the store, under the configured key (re-provisioning starts over). */
export class StoreHubKeys implements HubKeyStore {
  readonly #sync: Store['sync'];
  readonly #anchor: string;

  constructor(sync: Store['sync'], anchor: string) {
    this.#sync = sync;
    this.#anchor = anchor;
  }

  load(): string[] | undefined {
    return this.#sync.hubKeys(this.#anchor);
  }

  save(keys: string[]): void {
    this.#sync.setHubKeys(this.#anchor, keys);
  }
}
