/**
 * Schema migrations: an append-only ordered list. Migration N brings the database to
 * `PRAGMA user_version = N`; each runs in its own transaction together with the version bump, so a crash
 * mid-upgrade leaves the database at the previous version. Never edit a released migration: add one.
 *
 * Conventions: times are epoch ms integers, validity windows are [valid_from, valid_until) with NULL =
 * unbounded, weekdays are 0 = Monday … 6 = Sunday (ISO order), minutes of day are [start, end) with
 * end ≤ 1440 (intervals never cross midnight; split them). ON DELETE CASCADE everywhere: removing a time
 * profile must remove the rules that use it (fail secure) rather than turn them into "always".
 */
import { latestVersion as latestVersionOf, type Migration } from '../../lib/sqlite/migrations.ts';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'building data, hardware, audit log',
    sql: `
      CREATE TABLE buildings (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        time_zone TEXT NOT NULL
      ) STRICT;

      CREATE TABLE doors (
        id TEXT PRIMARY KEY,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      ) STRICT;
      CREATE INDEX doors_building ON doors(building_id);

      CREATE TABLE relays (
        door_id TEXT PRIMARY KEY REFERENCES doors(id) ON DELETE CASCADE,
        chip TEXT NOT NULL,
        line INTEGER NOT NULL,
        active_low INTEGER NOT NULL CHECK (active_low IN (0, 1)),
        pulse_ms INTEGER NOT NULL,
        fail_mode TEXT NOT NULL CHECK (fail_mode IN ('secure', 'safe'))
      ) STRICT;

      CREATE TABLE readers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL
      ) STRICT;

      CREATE TABLE reader_doors (
        reader_id TEXT NOT NULL REFERENCES readers(id) ON DELETE CASCADE,
        door_id TEXT NOT NULL REFERENCES doors(id) ON DELETE CASCADE,
        PRIMARY KEY (reader_id, door_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX reader_doors_door ON reader_doors(door_id);

      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      ) STRICT;
      CREATE INDEX units_building ON units(building_id);

      CREATE TABLE residents (
        id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'removed'))
      ) STRICT;
      CREATE INDEX residents_unit ON residents(unit_id);

      CREATE TABLE cards (
        id TEXT PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'revoked')),
        valid_from INTEGER,
        valid_until INTEGER
      ) STRICT;
      CREATE INDEX cards_resident ON cards(resident_id);

      CREATE TABLE time_profiles (
        id TEXT PRIMARY KEY,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      ) STRICT;
      CREATE INDEX time_profiles_building ON time_profiles(building_id);

      CREATE TABLE time_profile_intervals (
        profile_id TEXT NOT NULL REFERENCES time_profiles(id) ON DELETE CASCADE,
        weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
        end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
        CHECK (start_minute < end_minute),
        PRIMARY KEY (profile_id, weekday, start_minute, end_minute)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE access_rules (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        door_id TEXT NOT NULL REFERENCES doors(id) ON DELETE CASCADE,
        time_profile_id TEXT REFERENCES time_profiles(id) ON DELETE CASCADE,
        valid_from INTEGER,
        valid_until INTEGER
      ) STRICT;
      CREATE INDEX access_rules_resident ON access_rules(resident_id, door_id);
      CREATE INDEX access_rules_door ON access_rules(door_id);
      CREATE INDEX access_rules_profile ON access_rules(time_profile_id);

      -- AUTOINCREMENT: once synced rows are deleted (the sync issue), a plain rowid would hand out the
      -- max seq again after the newest rows are acked; sqlite_sequence keeps seq from ever being reused.
      -- No foreign keys: the audit trail outlives the doors and readers it mentions.
      CREATE TABLE audit_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        door_id TEXT,
        reader_id TEXT,
        data TEXT NOT NULL CHECK (json_valid(data))
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'cloud sync state and command nonces',
    sql: `
      -- Small named counters of the sync agent: config_version (the building data's version, 0 = never
      -- synced) and acked_seq (every audit event up to it is stored at the cloud). Written in the same
      -- transaction as the change they describe.
      CREATE TABLE sync_state (
        key TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) STRICT;
      INSERT INTO sync_state (key, value) VALUES ('config_version', 0), ('acked_seq', 0);

      -- Nonces of accepted cloud commands, kept until the command expires, so a command replayed after a
      -- reboot inside its validity window is still refused.
      CREATE TABLE sync_nonces (
        nonce TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sync_nonces_expiry ON sync_nonces(expires_at);
    `,
  },
  {
    version: 3,
    name: 'doorbell directory',
    sql: `
      ALTER TABLE buildings ADD COLUMN pictures_allowed INTEGER NOT NULL DEFAULT 0
        CHECK (pictures_allowed IN (0, 1));

      ALTER TABLE residents ADD COLUMN display_name TEXT;
      ALTER TABLE residents ADD COLUMN picture TEXT;
      ALTER TABLE residents ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
      ALTER TABLE residents ADD COLUMN hidden_until INTEGER;
      -- SET NULL, not CASCADE: a profile going away must not take the resident with it.
      ALTER TABLE residents ADD COLUMN hidden_profile_id TEXT REFERENCES time_profiles(id) ON DELETE SET NULL;
      ALTER TABLE residents ADD COLUMN ringtone TEXT NOT NULL DEFAULT 'classic';
      ALTER TABLE residents ADD COLUMN phone TEXT;

      CREATE TABLE bells (
        id TEXT PRIMARY KEY,
        unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('separate', 'sequential', 'parallel', 'family', 'business')),
        display_text TEXT NOT NULL,
        resident_id TEXT REFERENCES residents(id) ON DELETE CASCADE,
        -- A bell outlives its door: without one, a call just cannot open anything.
        door_id TEXT REFERENCES doors(id) ON DELETE SET NULL,
        sort_key INTEGER NOT NULL,
        ring_timeout_s INTEGER NOT NULL,
        step_s INTEGER NOT NULL,
        CHECK ((type = 'separate') = (resident_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX bells_unit ON bells(unit_id);
      CREATE INDEX bells_resident ON bells(resident_id);

      CREATE TABLE bell_members (
        id TEXT PRIMARY KEY,
        bell_id TEXT NOT NULL REFERENCES bells(id) ON DELETE CASCADE,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        ring_s INTEGER,
        UNIQUE (bell_id, resident_id)
      ) STRICT;
      CREATE INDEX bell_members_resident ON bell_members(resident_id);

      -- The devices residents are logged in on; the id is the device's broker username, which is how call
      -- signaling knows who is speaking.
      CREATE TABLE app_devices (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        last_seen_at INTEGER
      ) STRICT;
      CREATE INDEX app_devices_resident ON app_devices(resident_id);
    `,
  },
  {
    version: 4,
    name: 'signed config: epoch and learned hub keys',
    sql: `
      -- The epoch of the config in force (0 = synced before config was signed, or never): a signed snapshot
      -- of a newer epoch replaces the config whatever its version.
      INSERT INTO sync_state (key, value) VALUES ('config_epoch', 0);

      -- The hub keys learned from verified config (a key rotation), and the configured key they were
      -- learned under: re-provisioning with another key starts over from that key.
      CREATE TABLE sync_hub_keys (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        anchor TEXT NOT NULL,
        keys TEXT NOT NULL CHECK (json_valid(keys))
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'phone fallback: building prompt and open digits, phone steps of sequential bells',
    sql: `
      -- What the SIP call to a resident's phone says on answer (NULL: the panel's default prompt) and which
      -- DTMF digits open the door during it.
      ALTER TABLE buildings ADD COLUMN phone_prompt TEXT;
      ALTER TABLE buildings ADD COLUMN phone_open_digits TEXT NOT NULL DEFAULT '58';
      -- A sequential bell's step rings the member's app devices ('app') or their phone ('phone').
      ALTER TABLE bell_members ADD COLUMN via TEXT NOT NULL DEFAULT 'app' CHECK (via IN ('app', 'phone'));
    `,
  },
  {
    version: 6,
    name: 'the screen: flat numbers, the building language',
    sql: `
      -- The flat number a visitor dials on the keypad (digits; NULL: none). Unique within a building is the
      -- hub's rule and the snapshot's: no index here, so a patch that swaps two numbers applies row by row.
      ALTER TABLE units ADD COLUMN number TEXT
        CHECK (number IS NULL OR (length(number) BETWEEN 1 AND 8 AND number NOT GLOB '*[^0-9]*'));
      -- The language the panel's screen starts in.
      ALTER TABLE buildings ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('nb', 'en', 'sv'));
    `,
  },
  {
    version: 7,
    name: "residents' panel PIN hashes",
    sql: `
      -- The scrypt hash of the PIN a resident of this panel's building confirms their doorbell changes
      -- with (device/resident-panel/); NULL: none set, no changes at this panel.
      ALTER TABLE residents ADD COLUMN panel_pin_hash TEXT;
    `,
  },
  {
    version: 8,
    name: 'secure cards: the building card mode, card credentials',
    sql: `
      -- How the building's cards prove they are genuine (docs/secure-cards.md); existing buildings stay uid.
      ALTER TABLE buildings ADD COLUMN card_mode TEXT NOT NULL DEFAULT 'uid'
        CHECK (card_mode IN ('uid', 'desfire', 'classic'));
      ALTER TABLE buildings ADD COLUMN card_aid TEXT NOT NULL DEFAULT '5056A1';
      ALTER TABLE buildings ADD COLUMN card_classic_sector INTEGER NOT NULL DEFAULT 1
        CHECK (card_classic_sector BETWEEN 1 AND 15);
      ALTER TABLE buildings ADD COLUMN card_accept_uid INTEGER NOT NULL DEFAULT 0;
      -- What enrolment wrote into the card (hex); NULL: enrolled by UID only.
      ALTER TABLE cards ADD COLUMN credential TEXT;
    `,
  },
];

export const latestVersion: number = latestVersionOf(migrations);
