/**
 * Where the store keeps each list of building data (cloud-sync/protocol/entities.ts): its table, and the
 * column of every field of its rows. Keyed by list and typed by row, so a list or a field added to the
 * protocol does not compile until it has a place here (and a migration creating it, migrations.ts).
 * The statements are built from this once, in building-rows.ts.
 */
import type { EntityName, EntityRow } from '../../cloud-sync/protocol/entities.ts';

/** Values a column holds as they are; booleans are stored as 0/1 (SQLite has none). */
type ColumnValue = string | number | boolean | null;

/**
 * A field holding a list of items (a time profile's intervals) kept in a table of its own: one row per
 * item, naming its owner's id in `ownerColumn`. Every column is part of that table's key, so an item
 * listed twice is stored once.
 */
export interface ItemTable<Item> {
  readonly table: string;
  readonly ownerColumn: string;
  readonly columns: { readonly [F in keyof Item]-?: Item[F] extends ColumnValue ? string : never };
}

/** A plain field is a column (its name); a field holding items is a table of its own. */
type FieldPlace<V> = [V] extends [ColumnValue]
  ? string
  : V extends readonly (infer Item)[]
    ? ItemTable<Item>
    : never;

export interface EntityTable<Row> {
  readonly table: string;
  readonly fields: { readonly [F in keyof Row]-?: FieldPlace<Row[F]> };
}

export const ENTITY_TABLES: { readonly [K in EntityName]: EntityTable<EntityRow<K>> } = {
  buildings: {
    table: 'buildings',
    fields: {
      id: 'id',
      name: 'name',
      timeZone: 'time_zone',
      picturesAllowed: 'pictures_allowed',
      phonePrompt: 'phone_prompt',
      phoneOpenDigits: 'phone_open_digits',
      language: 'language',
      cardMode: 'card_mode',
      cardAid: 'card_aid',
      cardClassicSector: 'card_classic_sector',
      cardAcceptUid: 'card_accept_uid',
    },
  },
  doors: { table: 'doors', fields: { id: 'id', buildingId: 'building_id', name: 'name' } },
  units: { table: 'units', fields: { id: 'id', buildingId: 'building_id', name: 'name', number: 'number' } },
  residents: {
    table: 'residents',
    fields: {
      id: 'id',
      unitId: 'unit_id',
      name: 'name',
      status: 'status',
      displayName: 'display_name',
      picture: 'picture',
      hidden: 'hidden',
      hiddenUntil: 'hidden_until',
      hiddenProfileId: 'hidden_profile_id',
      ringtone: 'ringtone',
      phone: 'phone',
      panelPinHash: 'panel_pin_hash',
    },
  },
  cards: {
    table: 'cards',
    fields: {
      id: 'id',
      uid: 'uid',
      residentId: 'resident_id',
      status: 'status',
      credential: 'credential',
      validFrom: 'valid_from',
      validUntil: 'valid_until',
    },
  },
  timeProfiles: {
    table: 'time_profiles',
    fields: {
      id: 'id',
      buildingId: 'building_id',
      name: 'name',
      intervals: {
        table: 'time_profile_intervals',
        ownerColumn: 'profile_id',
        columns: { weekday: 'weekday', startMinute: 'start_minute', endMinute: 'end_minute' },
      },
    },
  },
  accessRules: {
    table: 'access_rules',
    fields: {
      id: 'id',
      residentId: 'resident_id',
      doorId: 'door_id',
      timeProfileId: 'time_profile_id',
      validFrom: 'valid_from',
      validUntil: 'valid_until',
    },
  },
  bells: {
    table: 'bells',
    fields: {
      id: 'id',
      unitId: 'unit_id',
      type: 'type',
      displayText: 'display_text',
      residentId: 'resident_id',
      doorId: 'door_id',
      sortKey: 'sort_key',
      ringTimeoutS: 'ring_timeout_s',
      stepS: 'step_s',
    },
  },
  bellMembers: {
    table: 'bell_members',
    fields: {
      id: 'id',
      bellId: 'bell_id',
      residentId: 'resident_id',
      position: 'position',
      ringS: 'ring_s',
      via: 'via',
    },
  },
  appDevices: {
    table: 'app_devices',
    fields: { id: 'id', residentId: 'resident_id', name: 'name', lastSeenAt: 'last_seen_at' },
  },
};
