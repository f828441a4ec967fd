/**
 * The hardware half of the tables (relays, readers, which reader serves which door) mirrors the device
 * config file, which stays the source of truth for wiring; building data comes from the cloud.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { PanelConfig } from '../config/schema.ts';
import { LOCAL_BUILDING_ID } from './snapshot.ts';

export type HardwareConfig = Pick<PanelConfig, 'panel' | 'doors' | 'readers'>;

interface RelayRow {
  doorId: string;
  chip: string;
  line: number;
  activeLow: number;
  pulseMs: number;
  failMode: 'secure' | 'safe';
}

export class Hardware {
  readonly #db: Database;
  readonly #doorExists: Statement<[string], number>;
  readonly #ensureLocal: Statement<[string]>;
  readonly #insertDoorIfMissing: Statement<[string, string]>;
  readonly #upsertRelay: Statement<[RelayRow]>;
  readonly #deleteRelays: Statement<[string]>;
  readonly #upsertReader: Statement<[string, string]>;
  readonly #deleteReaders: Statement<[string]>;
  readonly #clearReaderDoors: Statement<[]>;
  readonly #insertReaderDoor: Statement<[string, string]>;
  readonly #wiredDoors: Statement<[], string>;
  readonly #hubOnlyDoors: Statement<[], string>;
  readonly #panelOnlyDoors: Statement<[], string>;

  constructor(db: Database) {
    this.#db = db;
    this.#doorExists = db.prepare<[string], number>('SELECT count(*) FROM doors WHERE id = ?').pluck();
    this.#ensureLocal = db.prepare(
      `INSERT INTO buildings (id, name, time_zone) VALUES ('${LOCAL_BUILDING_ID}', 'Local', ?)
       ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone`,
    );
    this.#insertDoorIfMissing = db.prepare(
      `INSERT INTO doors (id, building_id, name) VALUES (?, '${LOCAL_BUILDING_ID}', ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.#upsertRelay = db.prepare(
      `INSERT INTO relays (door_id, chip, line, active_low, pulse_ms, fail_mode)
       VALUES (@doorId, @chip, @line, @activeLow, @pulseMs, @failMode)
       ON CONFLICT (door_id) DO UPDATE SET chip = excluded.chip, line = excluded.line,
         active_low = excluded.active_low, pulse_ms = excluded.pulse_ms, fail_mode = excluded.fail_mode`,
    );
    this.#deleteRelays = db.prepare(
      'DELETE FROM relays WHERE door_id NOT IN (SELECT value FROM json_each(?))',
    );
    this.#upsertReader = db.prepare(
      'INSERT INTO readers (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name',
    );
    this.#deleteReaders = db.prepare('DELETE FROM readers WHERE id NOT IN (SELECT value FROM json_each(?))');
    this.#clearReaderDoors = db.prepare('DELETE FROM reader_doors');
    this.#insertReaderDoor = db.prepare(
      'INSERT OR IGNORE INTO reader_doors (reader_id, door_id) VALUES (?, ?)',
    );
    this.#wiredDoors = db.prepare<[], string>('SELECT door_id FROM relays ORDER BY door_id').pluck();
    // Synced doors carry the hub's building; wired doors the snapshot lacks are kept under 'local'.
    this.#hubOnlyDoors = db
      .prepare<[], string>(
        `SELECT id FROM doors WHERE building_id != '${LOCAL_BUILDING_ID}'
          AND id NOT IN (SELECT door_id FROM relays) ORDER BY id`,
      )
      .pluck();
    this.#panelOnlyDoors = db
      .prepare<[], string>(
        `SELECT r.door_id FROM relays r JOIN doors d ON d.id = r.door_id
          WHERE d.building_id = '${LOCAL_BUILDING_ID}' ORDER BY r.door_id`,
      )
      .pluck();
  }

  /**
   * The doors wired here (a relay each) against the synced building data's doors of this panel. Only
   * meaningful once config has synced (before that every wired door is local).
   */
  doorMatch(): { wired: string[]; hubOnly: string[]; panelOnly: string[] } {
    return {
      wired: this.#wiredDoors.all(),
      hubOnly: this.#hubOnlyDoors.all(),
      panelOnly: this.#panelOnlyDoors.all(),
    };
  }

  /**
   * Makes relays, readers and reader_doors match the config, in one transaction. Doors the config names
   * but building data lacks are created under the 'local' building (panel time zone) so relays and rules
   * have something to reference; doors that building data already has keep their building and name.
   */
  syncHardware(config: HardwareConfig): void {
    this.#db.transaction(() => {
      const missing = config.doors.filter((d) => this.#doorExists.get(d.id) === 0);
      if (missing.length > 0) this.#ensureLocal.run(config.panel.timeZone);
      for (const d of missing) this.#insertDoorIfMissing.run(d.id, d.name);
      for (const d of config.doors) {
        this.#upsertRelay.run({
          doorId: d.id,
          chip: d.relay.chip,
          line: d.relay.line,
          activeLow: d.relay.activeLow ? 1 : 0,
          pulseMs: d.pulseMs,
          failMode: d.failMode,
        });
      }
      this.#deleteRelays.run(JSON.stringify(config.doors.map((d) => d.id)));
      this.#deleteReaders.run(JSON.stringify(config.readers.map((r) => r.id)));
      this.#clearReaderDoors.run();
      for (const r of config.readers) {
        this.#upsertReader.run(r.id, r.name);
        for (const doorId of r.doors) this.#insertReaderDoor.run(r.id, doorId);
      }
    })();
  }
}
