/**
 * The admin-managed tables, described once: the generic repository (entities.ts), the admin API routes and
 * the OpenAPI document all derive from these specs. Row shapes reuse the protocol's building schemas where
 * the panel receives the row, so the hub can never store a row the panel would reject.
 */
import { z } from 'zod';
import {
  accessRuleSchema,
  buildingSchema,
  cardSchema,
  residentSchema,
  timeProfileSchema,
  unitSchema,
} from '../../protocol/building.ts';
import {
  appDeviceSchema,
  bellMemberFields,
  bellResidentIssue,
  bellTiming,
  bellTypeSchema,
} from '../../protocol/directory.ts';
import { DEVICE_ID_PATTERN } from '../../protocol/topics.ts';

/** Panel and door ids also appear in the panel's YAML config and MQTT topics: the stricter device-id form. */
export const deviceStyleId = z
  .string()
  .regex(DEVICE_ID_PATTERN, 'must be 1-63 chars of a-z, 0-9, "_" or "-", starting alphanumeric');

/**
 * App devices log in to the broker as `app-…`; a panel with such an id would share its broker identity
 * (and Mosquitto's `%u` ACL patterns) with an app device.
 */
const panelId = deviceStyleId.refine(
  (id) => !id.startsWith('app-'),
  'must not start with "app-" (app device ids do)',
);

export const panelSchema = z
  .object({ id: panelId, name: z.string().min(1).max(200), buildingId: z.string().min(1).max(128) })
  .strict();

/** A door's building is always its panel's, so clients name only the panel. */
export const doorInputSchema = z
  .object({ id: deviceStyleId, panelId: deviceStyleId, name: z.string().min(1).max(200) })
  .strict();

/**
 * A bell on one panel. A separate bell names its resident (its unit is theirs); every other type names
 * the unit it rings. The protocol's bell row is compiled from this.
 */
export const doorbellSchema = z
  .object({
    id: z.string().min(1).max(128),
    panelId: deviceStyleId,
    unitId: z.string().min(1).max(128).nullable().default(null),
    residentId: z.string().min(1).max(128).nullable().default(null),
    type: bellTypeSchema,
    displayText: z.string().min(1).max(200),
    /** A door of the same panel, which a resident may open during a call; null = none. */
    doorId: deviceStyleId.nullable().default(null),
    ...bellTiming,
  })
  .strict()
  .refine((b) => (b.unitId === null) !== (b.residentId === null), {
    message: 'set exactly one of unitId and residentId',
    path: ['unitId'],
  })
  .superRefine((b, ctx) => {
    const issue = bellResidentIssue(b);
    if (issue) ctx.addIssue({ code: 'custom', path: ['residentId'], message: issue });
  });

/** Whom a unit bell rings: the ring order of a sequential bell, the reception group of a business bell. */
export const doorbellMemberSchema = z
  .object({
    id: z.string().min(1).max(128),
    doorbellId: z.string().min(1).max(128),
    residentId: z.string().min(1).max(128),
    ...bellMemberFields,
  })
  .strict();

export interface EntitySpec {
  /** Plural name: API path segment and JSON key. */
  name: string;
  /** Singular noun for messages. */
  what: string;
  table: string;
  /** Validates a whole row as clients send it (create, or an update merged onto the stored row). */
  schema: z.ZodType;
  /** Fields stored from the parsed input, camelCase; columns are their snake_case. */
  fields: readonly string[];
  /** Fields stored as JSON text. */
  json?: readonly string[];
  /** Boolean fields, stored as 0/1. */
  bool?: readonly string[];
  /** What a UNIQUE constraint (besides the id) means, for the conflict message. */
  unique?: string;
  /** Reference fields and the table they point to; checked before writing, for a clear message. */
  refs?: Readonly<Record<string, string>>;
  /** Fields the hub fills in (shown in views, never accepted from clients). */
  derived?: readonly string[];
  /** Columns never shown (secrets). */
  hidden?: readonly string[];
}

const validity = ['validFrom', 'validUntil'] as const;

export const ENTITY_SPECS = {
  buildings: {
    name: 'buildings',
    what: 'building',
    table: 'buildings',
    schema: buildingSchema,
    fields: ['id', 'name', 'timeZone', 'picturesAllowed'],
    bool: ['picturesAllowed'],
  },
  panels: {
    name: 'panels',
    what: 'panel',
    table: 'panels',
    schema: panelSchema,
    fields: ['id', 'name', 'buildingId'],
    refs: { buildingId: 'buildings' },
    derived: ['brokerUsername', 'createdAt'],
    hidden: ['password_hash'],
  },
  doors: {
    name: 'doors',
    what: 'door',
    table: 'doors',
    schema: doorInputSchema,
    fields: ['id', 'panelId', 'name'],
    refs: { panelId: 'panels' },
    derived: ['buildingId'],
  },
  units: {
    name: 'units',
    what: 'unit',
    table: 'units',
    schema: unitSchema,
    fields: ['id', 'buildingId', 'name'],
    refs: { buildingId: 'buildings' },
  },
  residents: {
    name: 'residents',
    what: 'resident',
    table: 'residents',
    schema: residentSchema,
    fields: [
      'id',
      'unitId',
      'name',
      'status',
      'displayName',
      'picture',
      'hidden',
      'hiddenUntil',
      'hiddenProfileId',
      'ringtone',
      'phone',
    ],
    bool: ['hidden'],
    refs: { unitId: 'units', hiddenProfileId: 'time_profiles' },
  },
  cards: {
    name: 'cards',
    what: 'card',
    table: 'cards',
    schema: cardSchema,
    fields: ['id', 'uid', 'residentId', 'status', ...validity],
    refs: { residentId: 'residents' },
    unique: 'a card with this uid is already registered',
  },
  timeProfiles: {
    name: 'timeProfiles',
    what: 'time profile',
    table: 'time_profiles',
    schema: timeProfileSchema,
    fields: ['id', 'buildingId', 'name', 'intervals'],
    json: ['intervals'],
    refs: { buildingId: 'buildings' },
  },
  accessRules: {
    name: 'accessRules',
    what: 'access rule',
    table: 'access_rules',
    schema: accessRuleSchema,
    fields: ['id', 'residentId', 'doorId', 'timeProfileId', ...validity],
    refs: { residentId: 'residents', doorId: 'doors', timeProfileId: 'time_profiles' },
  },
  doorbells: {
    name: 'doorbells',
    what: 'doorbell',
    table: 'doorbells',
    schema: doorbellSchema,
    fields: [
      'id',
      'panelId',
      'unitId',
      'residentId',
      'type',
      'displayText',
      'doorId',
      'sortKey',
      'ringTimeoutS',
      'stepS',
    ],
    refs: { panelId: 'panels', unitId: 'units', residentId: 'residents', doorId: 'doors' },
  },
  doorbellMembers: {
    name: 'doorbellMembers',
    what: 'doorbell member',
    table: 'doorbell_members',
    schema: doorbellMemberSchema,
    fields: ['id', 'doorbellId', 'residentId', 'position', 'ringS'],
    refs: { doorbellId: 'doorbells', residentId: 'residents' },
    unique: 'this resident is already a member of the doorbell',
  },
  appDevices: {
    name: 'appDevices',
    what: 'app device',
    table: 'app_devices',
    schema: appDeviceSchema,
    fields: ['id', 'residentId', 'name', 'lastSeenAt'],
    refs: { residentId: 'residents' },
  },
} as const satisfies Record<string, EntitySpec>;

export type EntityName = keyof typeof ENTITY_SPECS;
export const ENTITY_NAMES = Object.keys(ENTITY_SPECS) as EntityName[];

export function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
