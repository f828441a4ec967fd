/**
 * The hub database schema, as an append-only list of migrations (same scheme as the panel's store:
 * migration N brings `PRAGMA user_version` to N inside one transaction). Never edit a released one.
 *
 * Conventions as on the panel: epoch ms integers, validity [valid_from, valid_until) with NULL = unbounded.
 * Access data cascades on delete (removing a resident removes its cards and rules: fail secure); a
 * building that still has panels cannot be deleted (RESTRICT), since that would silently empty panels.
 * Events and commands carry no foreign key: they are history and outlive a deleted panel.
 */
import type { Migration } from '../../../lib/sqlite/migrations.ts';

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'hub: admin data, panel config state, events, commands',
    sql: `
      CREATE TABLE buildings (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        time_zone TEXT NOT NULL
      ) STRICT;

      CREATE TABLE panels (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE RESTRICT,
        broker_username TEXT NOT NULL UNIQUE,
        password_hash TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX panels_building ON panels(building_id);

      CREATE TABLE doors (
        id TEXT PRIMARY KEY,
        panel_id TEXT NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      ) STRICT;
      CREATE INDEX doors_panel ON doors(panel_id);

      CREATE TABLE units (
        id TEXT PRIMARY KEY,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL
      ) STRICT;

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

      -- Intervals are a JSON list validated by the protocol's intervalSchema; they are only ever read
      -- and written with their profile, so a child table would buy nothing.
      CREATE TABLE time_profiles (
        id TEXT PRIMARY KEY,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        intervals TEXT NOT NULL CHECK (json_valid(intervals))
      ) STRICT;

      CREATE TABLE access_rules (
        id TEXT PRIMARY KEY,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        door_id TEXT NOT NULL REFERENCES doors(id) ON DELETE CASCADE,
        time_profile_id TEXT REFERENCES time_profiles(id) ON DELETE CASCADE,
        valid_from INTEGER,
        valid_until INTEGER
      ) STRICT;
      CREATE INDEX access_rules_door ON access_rules(door_id);
      CREATE INDEX access_rules_resident ON access_rules(resident_id);

      CREATE TABLE doorbells (
        id TEXT PRIMARY KEY,
        panel_id TEXT NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        unit_id TEXT REFERENCES units(id) ON DELETE CASCADE,
        resident_id TEXT REFERENCES residents(id) ON DELETE CASCADE,
        type TEXT NOT NULL CHECK (type IN ('separate', 'sequential', 'parallel', 'family', 'business')),
        display_text TEXT NOT NULL,
        CHECK ((unit_id IS NULL) <> (resident_id IS NULL))
      ) STRICT;

      -- The last compiled and published snapshot per panel: the base for the next patch.
      CREATE TABLE panel_config (
        panel_id TEXT PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        hash TEXT NOT NULL,
        snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
        published_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE panel_reported (
        panel_id TEXT PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        rejected_version INTEGER,
        reason TEXT,
        at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE panel_state (
        panel_id TEXT PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        config_version INTEGER,
        last_seq INTEGER,
        software TEXT,
        at INTEGER NOT NULL
      ) STRICT;

      -- cursor: the hub's own order of arrival, for paging; (panel_id, event_id) makes inserts idempotent.
      CREATE TABLE events (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        panel_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        door_id TEXT,
        reader_id TEXT,
        data TEXT NOT NULL CHECK (json_valid(data)),
        received_at INTEGER NOT NULL,
        UNIQUE (panel_id, event_id)
      ) STRICT;
      CREATE INDEX events_panel_seq ON events(panel_id, seq);

      -- Highest seq up to which the panel's in-order stream is stored without a gap.
      CREATE TABLE event_streams (
        panel_id TEXT PRIMARY KEY,
        position INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE commands (
        nonce TEXT PRIMARY KEY,
        panel_id TEXT NOT NULL,
        type TEXT NOT NULL,
        body TEXT NOT NULL CHECK (json_valid(body)),
        issued_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('sent', 'done', 'refused', 'failed')),
        reason TEXT,
        result_at INTEGER
      ) STRICT;
      CREATE INDEX commands_panel ON commands(panel_id);
    `,
  },
  {
    version: 2,
    name: 'incremental config patches',
    sql: `
      -- Patches published on the fast path since panel_config's version, in order; folded into
      -- panel_config (and removed) when the panel's snapshot is next recompiled.
      CREATE TABLE panel_config_pending (
        panel_id TEXT NOT NULL REFERENCES panels(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        patch TEXT NOT NULL CHECK (json_valid(patch)),
        PRIMARY KEY (panel_id, version)
      ) STRICT;
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

      ALTER TABLE doorbells ADD COLUMN door_id TEXT REFERENCES doors(id) ON DELETE SET NULL;
      ALTER TABLE doorbells ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE doorbells ADD COLUMN ring_timeout_s INTEGER NOT NULL DEFAULT 60;
      ALTER TABLE doorbells ADD COLUMN step_s INTEGER NOT NULL DEFAULT 25;
      CREATE INDEX doorbells_panel ON doorbells(panel_id);
      -- Version 1 let any type name a unit or a resident; now a separate bell is one resident's and every
      -- other type rings a unit. A "separate" bell of a unit rang the whole unit: that is a family bell.
      UPDATE doorbells SET type = 'family' WHERE type = 'separate' AND resident_id IS NULL;
      UPDATE doorbells
        SET unit_id = (SELECT unit_id FROM residents WHERE residents.id = doorbells.resident_id),
            resident_id = NULL
        WHERE type <> 'separate' AND resident_id IS NOT NULL;

      CREATE TABLE doorbell_members (
        id TEXT PRIMARY KEY,
        doorbell_id TEXT NOT NULL REFERENCES doorbells(id) ON DELETE CASCADE,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        ring_s INTEGER,
        UNIQUE (doorbell_id, resident_id)
      ) STRICT;
      CREATE INDEX doorbell_members_resident ON doorbell_members(resident_id);

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
    name: 'resident app logins and sessions, call log indexes',
    sql: `
      -- store/resident-sessions.ts. The call log (residents/call-log.ts) queries events by the resident a
      -- call rang and by call id, with exactly the expressions of the two partial indexes below.
      CREATE TABLE resident_logins (
        resident_id TEXT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
        password_hash TEXT NOT NULL,
        set_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE resident_sessions (
        token_hash TEXT PRIMARY KEY,
        app_device_id TEXT NOT NULL UNIQUE REFERENCES app_devices(id) ON DELETE CASCADE,
        resident_id TEXT NOT NULL REFERENCES residents(id) ON DELETE CASCADE,
        mqtt_password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX resident_sessions_resident ON resident_sessions(resident_id);

      CREATE INDEX events_call_rang ON events(json_extract(data, '$.residentId'), cursor)
        WHERE type = 'call.ringing';
      CREATE INDEX events_call_steps ON events(panel_id, json_extract(data, '$.callId'))
        WHERE type LIKE 'call.%';
    `,
  },
  {
    version: 5,
    name: 'resident session revocation outbox, dormant app devices',
    sql: `
      -- Every ended resident session (logout, expiry, password reset, a removed app device or resident, a
      -- deactivated resident) leaves its app device id here, in the same transaction, however it ended:
      -- cascades included. residents/revocation-queue.ts hands the ids to the broker (AppDeviceRevoker) and
      -- deletes them only once the broker confirmed, so a failed or interrupted revocation is retried, also
      -- after a restart and by any hub worker.
      CREATE TABLE app_device_revocations (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        app_device_id TEXT NOT NULL UNIQUE
      ) STRICT;

      CREATE TRIGGER resident_sessions_revoke AFTER DELETE ON resident_sessions BEGIN
        INSERT OR IGNORE INTO app_device_revocations (app_device_id) VALUES (old.app_device_id);
      END;

      -- App devices without a session (logged out, expired), since when (residents/accounts.ts sweep):
      -- after a grace period they leave the panels' directory, so panels stop ringing them.
      CREATE TABLE app_device_dormancy (
        app_device_id TEXT PRIMARY KEY REFERENCES app_devices(id) ON DELETE CASCADE,
        since INTEGER NOT NULL
      ) STRICT;

      -- A resident who is no longer active loses every session (the API and the broker refused them
      -- already; this also ends their live broker connections).
      CREATE TRIGGER residents_inactive_end_sessions AFTER UPDATE OF status ON residents
        WHEN new.status <> 'active' BEGIN
        DELETE FROM resident_sessions WHERE resident_id = new.id;
      END;
    `,
  },
  {
    version: 6,
    name: 'signed config: epochs and the unpublished-version alarm',
    sql: `
      -- A snapshot of a newer epoch replaces a panel's config whatever version the panel holds: how the hub
      -- alone recovers a panel whose replica is poisoned or ahead of the hub (a restored backup).
      ALTER TABLE panel_config ADD COLUMN epoch INTEGER NOT NULL DEFAULT 1;

      -- The last time a panel reported a config version the hub never published for it; cleared_at is set
      -- once it reports a published one again (kept, so an operator sees that it happened).
      CREATE TABLE panel_config_alarms (
        panel_id TEXT PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
        reported_version INTEGER NOT NULL,
        published_version INTEGER,
        at INTEGER NOT NULL,
        cleared_at INTEGER
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'administrator accounts, second factor, sessions, change log',
    sql: `
      -- People who run the hub (operator) or buildings (building_admin, on the buildings granted to them).
      -- The password is a scrypt hash; the TOTP secret (base32) is set once its enrolment was confirmed
      -- with a code, and totp_last_step refuses a code whose 30 s step was used already (replay).
      CREATE TABLE admin_accounts (
        id TEXT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'building_admin')),
        password_hash TEXT NOT NULL,
        totp_secret TEXT,
        totp_pending_secret TEXT,
        totp_last_step INTEGER NOT NULL DEFAULT 0,
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE admin_grants (
        account_id TEXT NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
        building_id TEXT NOT NULL REFERENCES buildings(id) ON DELETE CASCADE,
        PRIMARY KEY (account_id, building_id)
      ) STRICT;

      -- Single-use recovery codes, SHA-256 hashed (they are random 50-bit values shown once).
      CREATE TABLE admin_recovery_codes (
        account_id TEXT NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL,
        PRIMARY KEY (account_id, code_hash)
      ) STRICT;

      -- Bearer sessions (SHA-256 of the token). second_factor = 0: the password was right and the session
      -- may only complete the TOTP step (or its enrolment); it expires within minutes.
      CREATE TABLE admin_sessions (
        token_hash TEXT PRIMARY KEY,
        account_id TEXT NOT NULL REFERENCES admin_accounts(id) ON DELETE CASCADE,
        second_factor INTEGER NOT NULL CHECK (second_factor IN (0, 1)),
        created_at INTEGER NOT NULL,
        last_used_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX admin_sessions_account ON admin_sessions(account_id);

      -- Every administrative change: who (an account, or the operator token / CLI), what, when. History:
      -- no foreign keys, so it outlives the rows and accounts it names.
      CREATE TABLE admin_changes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        account_id TEXT,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        building_id TEXT,
        detail TEXT NOT NULL
      ) STRICT;
      CREATE INDEX admin_changes_building ON admin_changes(building_id, seq);

      -- card.enrol: the UID of the card tapped at the door, from the panel's command result.
      ALTER TABLE commands ADD COLUMN card_uid TEXT;
    `,
  },
  {
    version: 8,
    name: 'the doors a panel reports wired',
    sql: `
      -- JSON array of the door ids the panel has a relay for (config/reported); NULL from panels that do
      -- not report them. The panel status compares them with the hub's doors of that panel.
      ALTER TABLE panel_reported ADD COLUMN wired_doors TEXT;
    `,
  },
  {
    version: 9,
    name: "resident self-service: e-mail, the building card policy, residents' own hiding profiles",
    sql: `
      -- Hub-only fields (panels never receive them): the resident's e-mail, and whether a building lets
      -- residents add their own cards in the resident app.
      ALTER TABLE residents ADD COLUMN email TEXT;
      ALTER TABLE buildings ADD COLUMN residents_may_add_cards INTEGER NOT NULL DEFAULT 0;

      -- The time profile a resident made in the app for "hide on a weekly schedule": theirs to change.
      -- Any other profile (an administrator's, used by access rules) is never changed from the app.
      CREATE TABLE resident_hiding_profiles (
        resident_id TEXT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
        time_profile_id TEXT NOT NULL UNIQUE REFERENCES time_profiles(id) ON DELETE CASCADE
      ) STRICT;
      -- A removed resident's own hiding profile goes with them (nobody else can edit or use it sensibly).
      CREATE TRIGGER resident_hiding_profiles_gone AFTER DELETE ON resident_hiding_profiles BEGIN
        DELETE FROM time_profiles WHERE id = old.time_profile_id;
      END;
    `,
  },
  {
    version: 10,
    name: 'resident invites, unit owners, event filter indexes',
    sql: `
      -- A one-time invite per resident (a newer one replaces it): the SHA-256 of a 256-bit random code,
      -- deleted when redeemed. Hub-only, like the rest of the login data.
      CREATE TABLE resident_invites (
        resident_id TEXT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
        code_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT;

      -- The resident an administrator made their unit's owner (chooses the unit's doorbell type per
      -- panel in the resident app). Hub-only: panels never see it.
      CREATE TABLE unit_owners (
        unit_id TEXT PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
        resident_id TEXT NOT NULL UNIQUE REFERENCES residents(id) ON DELETE CASCADE
      ) STRICT;
      -- An owner who moves to another unit, or is removed, owns nothing any more.
      CREATE TRIGGER unit_owner_moved AFTER UPDATE OF unit_id, status ON residents
        WHEN new.unit_id IS NOT old.unit_id OR new.status <> 'active' BEGIN
        DELETE FROM unit_owners WHERE resident_id = new.id;
      END;

      -- WebAdmin's event filters (api/event-routes.ts): by door and by card, newest first. The resident
      -- filter uses events_call_rang (migration 4).
      CREATE INDEX events_door ON events(door_id, cursor);
      CREATE INDEX events_card ON events(json_extract(data, '$.cardId'), cursor);
    `,
  },
  {
    version: 11,
    name: 'phone fallback: building prompt and digits, phone steps, panel SIP credentials',
    sql: `
      -- Sent to panels with the building: what the SIP call to a resident's phone says on answer (NULL:
      -- the panel's default prompt) and the DTMF digits that open the door during it.
      ALTER TABLE buildings ADD COLUMN phone_prompt TEXT;
      ALTER TABLE buildings ADD COLUMN phone_open_digits TEXT NOT NULL DEFAULT '58';
      -- A sequential bell's step rings the member's app devices ('app') or their phone ('phone').
      ALTER TABLE doorbell_members ADD COLUMN via TEXT NOT NULL DEFAULT 'app' CHECK (via IN ('app', 'phone'));

      -- Each panel's SIP digest credential at the SIP edge (sip/edge-sync.ts copies it into the edge's own
      -- database): ha1 = md5(panel id:domain:password), never the password. ha1 is worth the password at that
      -- edge's domain, so it never leaves the hub except to the edge database. Kept here so the edge
      -- database can be rebuilt from the hub at any time; goes with the panel.
      CREATE TABLE panel_sip_credentials (
        panel_id TEXT PRIMARY KEY REFERENCES panels(id) ON DELETE CASCADE,
        domain TEXT NOT NULL,
        ha1 TEXT NOT NULL CHECK (length(ha1) = 32),
        created_at INTEGER NOT NULL
      ) STRICT;

      -- The resident's call log finds the calls that rang their phone as events_call_rang finds the app's.
      CREATE INDEX events_call_phoned ON events(json_extract(data, '$.residentId'), cursor)
        WHERE type = 'call.phone_dialing';
    `,
  },
  {
    version: 12,
    name: "the panel's screen: flat numbers, the building language",
    sql: `
      -- The flat number a visitor dials on the panel's keypad (digits; NULL: none). Unique within a
      -- building: entity-rules.ts refuses a duplicate with a message naming the unit that has it (a UNIQUE
      -- index could only say "conflict"); the index finds that unit.
      ALTER TABLE units ADD COLUMN number TEXT
        CHECK (number IS NULL OR (length(number) BETWEEN 1 AND 8 AND number NOT GLOB '*[^0-9]*'));
      CREATE INDEX units_building_number ON units(building_id, number) WHERE number IS NOT NULL;
      -- The language the building's panels start their screen in.
      ALTER TABLE buildings ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('nb', 'en', 'sv'));
    `,
  },
  {
    version: 13,
    name: 'pairing: panels that ask for a code, and the sealed kit a claim leaves them',
    sql: `
      -- An unpaired panel's request (pairing/pairing.ts). The code and the poll token are kept only as
      -- SHA-256 hashes; the kit only sealed to the panel's X25519 key (public_key), and only from the claim
      -- until the panel collects it (then the row is deleted). Rows past expires_at are pruned: an open
      -- request's code lives about 15 minutes, a claimed one's kit until kit collection expires.
      CREATE TABLE pairing_requests (
        id TEXT PRIMARY KEY,
        code_hash TEXT NOT NULL UNIQUE,
        poll_token_hash TEXT NOT NULL,
        public_key TEXT NOT NULL,
        source TEXT NOT NULL,
        doors TEXT NOT NULL,
        software TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        claimed_at INTEGER,
        panel_id TEXT,
        -- The sealed kit (JSON); set at the claim, handed out once ready_at is set (after the broker
        -- admitted the panel's login).
        kit TEXT,
        ready_at INTEGER
      ) STRICT;
      CREATE INDEX pairing_requests_expiry ON pairing_requests(expires_at);
    `,
  },
  {
    version: 14,
    name: "residents' panel PINs, resident changes made at panels",
    sql: `
      -- The PIN a resident set in the app for changing their doorbell at their panel: a scrypt hash (the
      -- protocol's PANEL_PIN_HASH_PATTERN), sent only to the panels of the resident's building
      -- (snapshot-source.ts). No API returns it.
      CREATE TABLE resident_panel_pins (
        resident_id TEXT PRIMARY KEY REFERENCES residents(id) ON DELETE CASCADE,
        pin_hash TEXT NOT NULL,
        set_at INTEGER NOT NULL
      ) STRICT;

      -- Each resident.panel_settings_changed event the hub took, by the panel's event id: written in the
      -- transaction that applies it, so a resent event is applied once (or refused once, with why).
      CREATE TABLE panel_resident_changes (
        panel_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        resident_id TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused')),
        detail TEXT,
        at INTEGER NOT NULL,
        PRIMARY KEY (panel_id, event_id)
      ) STRICT;
    `,
  },
  {
    version: 15,
    name: 'software releases, and each panel update status',
    sql: `
      -- Signed RAUC bundles the hub offers panels (releases/catalogue.ts): verified against the release
      -- keyring when added, kept as files in the hub data dir under releases/<id>.raucb.
      CREATE TABLE releases (
        id TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        compatible TEXT NOT NULL,
        sha256 TEXT NOT NULL UNIQUE,
        size_bytes INTEGER NOT NULL,
        added_at INTEGER NOT NULL
      ) STRICT;

      -- The last update each panel was told to install and where it stands, from its update.* events
      -- (the panel's own record is its event stream; this row is the latest of it).
      CREATE TABLE panel_updates (
        panel_id TEXT PRIMARY KEY,
        release_id TEXT NOT NULL,
        version TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN
          ('requested', 'started', 'downloading', 'verifying', 'installing', 'rebooting', 'installed',
           'failed', 'confirmed', 'rolled_back')),
        percent INTEGER,
        reason TEXT,
        detail TEXT,
        nonce TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 16,
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
